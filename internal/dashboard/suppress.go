package dashboard

import "github.com/perisai/perisai/internal/region"

// Below is the smallest count a government viewer sees at village level (issue 20): a count of
// 1 to 4 persons in one village points at people, so it is shown as "<5". Zero tells nothing
// about anyone and is shown.
const Below = 5

// Hidden tells which of a region's figures a government viewer must not see as numbers: at
// village level, each count of persons from 1 to Below-1, and the money and claims figures of
// a village with fewer than Below participants (one worker's contributions are that worker's).
// Coverage follows active participants. Other levels, and other roles, hide nothing.
func Hidden(level region.Level, v Values) map[Figure]bool {
	if level != region.Village {
		return nil
	}
	out := map[Figure]bool{}
	few := v.Participants() > 0 && v.Participants() < Below
	for i, x := range v {
		f := Figure(i)
		if !infos[f].personal {
			continue
		}
		if (x > 0 && x < Below && !f.Money()) || (few && (f.Money() || f == ClaimsPaid || f == ClaimsPending)) {
			out[f] = true
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
