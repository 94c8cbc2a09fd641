package store

import (
	"slices"
	"testing"
)

// Statements built at run time come in few shapes, so that they stay prepared; and the shapes
// still carry every row.
func TestChunkSizes(t *testing.T) {
	for _, tc := range []struct {
		n, per int
		want   []int
	}{
		{1, 1500, []int{1}},
		{3, 1500, []int{2, 1}},
		{29, 1500, []int{16, 8, 4, 1}},
		{256, 1500, []int{256}},
		{300, 1500, []int{256, 32, 8, 4}},
		{2000, 1500, []int{1500, 256, 128, 64, 32, 16, 4}},
		{10, 3, []int{3, 3, 3, 1}}, // wide rows: the parameter limit rules
	} {
		var got []int
		for left := tc.n; left > 0; {
			c := chunkSize(left, tc.per)
			got = append(got, c)
			left -= c
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("chunks of %d (at most %d): %v, want %v", tc.n, tc.per, got, tc.want)
		}
	}
}

func TestPadIn(t *testing.T) {
	for _, tc := range []struct{ in, want []any }{
		{nil, nil},
		{[]any{1}, []any{1}},
		{[]any{1, 2, 3}, []any{1, 2, 3, 3}},
		{[]any{1, 2, 3, 4, 5}, []any{1, 2, 3, 4, 5, 5, 5, 5}},
	} {
		if got := padIn(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("padIn(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
