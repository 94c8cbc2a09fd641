package store

import (
	"context"
	"fmt"
	"sync"
)

// A group-commit batch is a single-province transaction (issue 21): the writer splits what it
// took from the queue by the participants' provinces and commits each part apart, so that on a
// database distributed by province every batch runs on one node. The split costs nothing in
// the common case: an agent or a branch officer pays for the participants of their own
// province (the principal names it), and anyone else's payments are split by the participants'
// provinces, which never change (the KPJ and the rows carry them): the writer remembers them,
// and reads only those it has not seen, in one query. A participant of another province than
// the principal's is left out of the batch's reads (loadPrefetch) and read on its own.

// provinceCacheSize bounds the remembered provinces; past it the memory starts again.
const provinceCacheSize = 500_000

type provinceCache struct {
	mu sync.Mutex
	m  map[int64]string
}

func (c *provinceCache) get(id int64) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[id]
	return p, ok
}

func (c *provinceCache) put(id int64, prov string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= provinceCacheSize {
		c.m = make(map[int64]string, 1024)
	}
	c.m[id] = prov
}

// provinceBatch is the part of a batch whose participants live in one province ("" for
// participants that do not exist: the batch refuses them).
type provinceBatch struct {
	province string
	items    []pending
}

// byProvince splits a batch by province, keeping the order of the queue within each part.
func (py *Payer) byProvince(ctx context.Context, batch []pending) ([]provinceBatch, error) {
	var unknown []any
	seen := map[int64]bool{}
	for _, p := range batch {
		id := p.item.Req.ParticipantID
		if p.item.P.Province != "" {
			continue
		}
		if _, ok := py.provinces.get(id); !ok && !seen[id] {
			seen[id] = true
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		unknown = padIn(unknown)
		rows, err := py.db.read.QueryContext(ctx, `SELECT id, province_code FROM participants WHERE id IN (`+inList(1, len(unknown))+`)`, unknown...)
		if err != nil {
			return nil, fmt.Errorf("participants' provinces: %w", err)
		}
		err = scanAll(rows, nil)(func(scan func(...any) error) error {
			var id int64
			var prov string
			if err := scan(&id, &prov); err != nil {
				return err
			}
			py.provinces.put(id, prov)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("participants' provinces: %w", err)
		}
	}
	var out []provinceBatch
	index := map[string]int{}
	for _, p := range batch {
		prov := p.item.P.Province
		if prov == "" {
			prov, _ = py.provinces.get(p.item.Req.ParticipantID)
		}
		i, ok := index[prov]
		if !ok {
			i = len(out)
			index[prov] = i
			out = append(out, provinceBatch{province: prov})
		}
		out[i].items = append(out[i].items, p)
	}
	return out, nil
}
