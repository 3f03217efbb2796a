package scoring

import (
	"encoding/json"
	"testing"
)

func TestPointsString(t *testing.T) {
	tests := []struct {
		in   Points
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {8750, "87.50"}, {10000, "100.00"}, {-5, "-0.05"}, {-12345, "-123.45"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Points(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestParsePoints(t *testing.T) {
	tests := []struct {
		in      string
		want    Points
		wantErr bool
	}{
		{"60", 6000, false},
		{"60.5", 6050, false},
		{"60.05", 6005, false},
		{"0", 0, false},
		{"-3.5", -350, false},
		{"60.123", 0, true},
		{"6e1", 0, true},
		{"+60", 0, true},
		{"60.", 0, true},
		{".5", 0, true},
		{"", 0, true},
		{"--1", 0, true},
		{"1234567890123", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePoints(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePoints(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParsePoints(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestPointsAndRateJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		P Points
		R Rate
	}{8750, 3333})
	if err != nil || string(b) != `{"P":87.50,"R":0.3333}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var v struct {
		P Points
		R Rate
	}
	if err := json.Unmarshal([]byte(`{"P":59.99,"R":0.5}`), &v); err != nil || v.P != 5999 || v.R != 5000 {
		t.Fatalf("Unmarshal = %+v, %v", v, err)
	}
	if err := json.Unmarshal([]byte(`{"P":59.999}`), &v); err == nil {
		t.Error("Unmarshal accepted 59.999 points")
	}
	if err := json.Unmarshal([]byte(`{"P":"60"}`), &v); err == nil {
		t.Error("Unmarshal accepted a string of points")
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct{ num, den, want int64 }{
		{0, 3, 0}, {1, 3, 0}, {2, 3, 1}, {1, 2, 1}, {3, 2, 2}, {5, 2, 3},
		{-1, 2, 0}, {-3, 2, -1}, {-2, 3, -1}, {-1, 3, 0}, {7, 1, 7}, {-7, 1, -7},
		{79985, 1000, 80}, {79984, 1000, 80}, {79499, 1000, 79}, {79500, 1000, 80},
	}
	for _, tt := range tests {
		if got := RoundHalfUp(tt.num, tt.den); got != tt.want {
			t.Errorf("RoundHalfUp(%d, %d) = %d, want %d", tt.num, tt.den, got, tt.want)
		}
	}
}
