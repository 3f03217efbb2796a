package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestNeverPrinted(t *testing.T) {
	s := Value("hunter2-key")
	type holder struct {
		Key Value
		N   int
	}
	h := holder{Key: s, N: 1}
	js, _ := json.Marshal(h)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %d", s, h, h, s, s, s, s), string(js),
	} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret printed: %s", out)
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Fatalf("no redaction marker in %s", out)
		}
	}
	if s.Reveal() != "hunter2-key" || !s.IsSet() || Value("").IsSet() || Value("").String() != "" {
		t.Fatal("Reveal/IsSet/empty String wrong")
	}
}
