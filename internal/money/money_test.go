package money

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Fen
		wantErr bool
	}{
		{"", 0, false},
		{"0", 0, false},
		{"20000", 2000000, false},
		{"1234.5", 123450, false},
		{"1234.56", 123456, false},
		{" 7.01 ", 701, false},
		{"1234.567", 0, true},
		{"-5", 0, true},
		{"+5", 0, true},
		{"1e5", 0, true},
		{".5", 0, true},
		{"5.", 0, true},
		{"12,000", 0, true},
		{"1234567890123456", 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, f := range []Fen{0, 1, 10, 99, 100, 123456, 2000000} {
		back, err := Parse(f.String())
		if err != nil || back != f {
			t.Errorf("round trip %d -> %q -> %d, %v", f, f.String(), back, err)
		}
	}
	if got := Fen(123450).String(); got != "1234.50" {
		t.Errorf("String = %q", got)
	}
}
