package scoring

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"1970-01-01", 0, false},
		{"1970-01-02", 1, false},
		{"1969-12-31", -1, false},
		{"2000-03-01", 11017, false},
		{"2024-02-29", 19782, false},
		{"2023-02-29", 0, true},
		{"2026-13-01", 0, true},
		{"2026-3-1", 0, true},
		{"20260301", 0, true},
		{"", 0, true},
		{"2026-03-01T00:00:00Z", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("ParseDate(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if !tt.wantErr && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestDateAgreesWithTime(t *testing.T) {
	start := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC)
	for i := range 200 * 366 {
		tm := start.AddDate(0, 0, i)
		dt := NewDate(tm.Date())
		if dt.String() != tm.Format(time.DateOnly) {
			t.Fatalf("NewDate(%s) prints %s", tm.Format(time.DateOnly), dt)
		}
		if dt.Weekday() != tm.Weekday() {
			t.Fatalf("%s: Weekday() = %s, want %s", dt, dt.Weekday(), tm.Weekday())
		}
		if !dt.Time().Equal(tm) {
			t.Fatalf("%s: Time() = %s", dt, dt.Time())
		}
		if i > 0 && dt != NewDate(start.AddDate(0, 0, i-1).Date()).AddDays(1) {
			t.Fatalf("%s: AddDays(1) does not step one day", dt)
		}
	}
}

func TestDateOfUsesTheTimesZone(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	utc := time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC)
	if got := DateOf(utc); got != d("2026-11-23") {
		t.Errorf("DateOf(UTC) = %s", got)
	}
	if got := DateOf(utc.In(shanghai)); got != d("2026-11-24") {
		t.Errorf("DateOf(Shanghai) = %s", got)
	}
}

func TestNewDateNormalizes(t *testing.T) {
	if got := NewDate(2026, time.January, 32); got != d("2026-02-01") {
		t.Errorf("NewDate(2026-01-32) = %s", got)
	}
}

func TestDateText(t *testing.T) {
	var dt Date
	if err := dt.UnmarshalText([]byte("2026-11-24")); err != nil || dt != d("2026-11-24") {
		t.Fatalf("UnmarshalText = %s, %v", dt, err)
	}
	if b, _ := dt.MarshalText(); string(b) != "2026-11-24" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := dt.UnmarshalText([]byte("24/11/2026")); err == nil {
		t.Error("UnmarshalText accepted 24/11/2026")
	}
}
