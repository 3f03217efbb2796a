package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct{ max, step, top int }{
		{0, 1, 1}, {1, 1, 1}, {4, 1, 4}, {5, 1, 5}, {6, 2, 6}, {9, 2, 10}, {17, 5, 20}, {59, 20, 60},
		{100, 20, 100}, {101, 50, 150}, {486, 100, 500}, {2500, 500, 2500}, {2501, 1000, 3000},
	} {
		step, top := niceScale(tc.max)
		require.Equal(t, [2]int{tc.step, tc.top}, [2]int{step, top}, "max %d", tc.max)
	}
}

func TestCoord(t *testing.T) {
	require.Equal(t, "12", coord(12).String())
	require.Equal(t, "12.5", coord(12.49).String())
	require.Equal(t, "0.1", coord(0.05).String())
	require.Equal(t, "-3.3", coord(-3.33).String())
}
