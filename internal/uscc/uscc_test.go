package uscc

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	valid := Generate(0, 42)
	wrongCheck := valid[:17] + string(Alphabet[(strings.IndexByte(Alphabet, valid[17])+1)%31])
	tests := []struct {
		name, code, wantContains string
	}{
		{"known valid code", "91440300708461136T", ""},
		{"another real code", "91110108551385082Q", ""},
		{"generated", valid, ""},
		{"wrong check", wrongCheck, "check character"},
		{"short", valid[:17], "must be 18 characters, got 17"},
		{"long", valid + "1", "must be 18 characters, got 19"},
		{"letter I", "I" + valid[1:], "character 'I' at position 1"},
		{"letter O", valid[:3] + "O" + valid[4:], "character 'O' at position 4"},
		{"letter Z", valid[:9] + "Z" + valid[10:], "position 10"},
		{"letter S", valid[:9] + "S" + valid[10:], "'S'"},
		{"letter V", valid[:9] + "V" + valid[10:], "'V'"},
		{"lower case", strings.ToLower("91110108551385082Q"), "'q' at position 18"},
		{"space", " " + valid[1:], "' ' at position 1"},
		{"empty", "", "got 0"},
		{"multibyte", "９1110000100000589B", "position 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Problem(tt.code)
			if tt.wantContains == "" && got != "" {
				t.Fatalf("Problem(%q) = %q, want valid", tt.code, got)
			}
			if !strings.Contains(got, tt.wantContains) {
				t.Fatalf("Problem(%q) = %q, want it to mention %q", tt.code, got, tt.wantContains)
			}
		})
	}
}

func TestGenerateIsValidAndDeterministic(t *testing.T) {
	seen := map[string]bool{}
	for n := uint64(0); n < 5000; n++ {
		c := Generate(int(n%34), n)
		if !Valid(c) {
			t.Fatalf("Generate(%d) = %q is invalid: %s", n, c, Problem(c))
		}
		if c != Generate(int(n%34), n) {
			t.Fatalf("Generate(%d) not deterministic", n)
		}
		seen[c] = true
	}
	if len(seen) < 4990 {
		t.Fatalf("only %d distinct codes of 5000", len(seen))
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  91110108551385082q\n"); got != "91110108551385082Q" || !Valid(got) {
		t.Fatalf("Normalize = %q", got)
	}
}
