package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// perPage is how many rows a list page shows: on a phone, a few screens' worth.
const perPage = 20

// pager is a list's place: which page of how many, the rows it shows out of the total, and the
// links to the pages before and after (the request's other query parameters kept). Every list
// page shows one, through the "pager" partial (templates/_pager.html).
type pager struct {
	Lang                 string
	Page, Pages, PerPage int
	Total, From, To      int
	Prev, Next           string
}

// newPager reads ?page= from the request (1 when absent or wrong) for a list of total rows.
func newPager(r *http.Request, lang string, total, per int) pager {
	p := pager{Lang: lang, Page: 1, PerPage: per, Total: total}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	p.Pages = max(1, (total+per-1)/per)
	p.Page = min(p.Page, p.Pages)
	p.From, p.To = min(total, p.offset()+1), min(total, p.offset()+per)
	link := func(page int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(page))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

func (p pager) offset() int { return (p.Page - 1) * p.PerPage }

// window is the part of a list held in memory that the page shows.
func window[T any](list []T, p pager) []T {
	return list[min(len(list), p.offset()):min(len(list), p.offset()+p.PerPage)]
}

// listAnswer is a list as the API gives it: the items, the total and the link to the next part.
func listAnswer[T any](r *http.Request, items []T, total, limit, offset int) map[string]any {
	out := map[string]any{"items": items, "total": total}
	if offset+len(items) < total {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("offset", strconv.Itoa(offset+len(items)))
		q.Set("limit", strconv.Itoa(limit))
		out["next"] = r.URL.Path + "?" + q.Encode()
	}
	return out
}

// limitOffset reads ?limit= and ?offset= for an API list: limit 1–500 (default 50).
func limitOffset(r *http.Request) (int, int) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 500 {
		limit = 50
	}
	offset, err := strconv.Atoi(r.URL.Query().Get("offset"))
	if err != nil || offset < 0 {
		offset = 0
	}
	return limit, offset
}

// writePage answers an API list held in memory a part at a time (?limit=, ?offset=), with the
// total and the link to the next part, as every list answers.
func writePage[T any](w http.ResponseWriter, r *http.Request, all []T) {
	limit, offset := limitOffset(r)
	part := all[min(offset, len(all)):min(offset+limit, len(all))]
	writeJSON(w, http.StatusOK, listAnswer(r, part, len(all), limit, offset))
}
