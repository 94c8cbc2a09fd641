package store

import (
	"context"
	"time"
)

// History. A business write (a registration, a payment and its ledger entry, an incentive
// statement) is dated now, except when a loader of history (the demo, the national data
// generator) dates it in the past with AsOf: the demo's workers acquired in 2022 and its
// statements for months gone by are written through the very code a request runs. Only Go
// code can set it; no request reaches it.

type asOfKey struct{}

// AsOf returns a context whose business writes are dated t.
func AsOf(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, asOfKey{}, t.UTC().Truncate(time.Microsecond))
}

// stamp is the time a business write is dated: now, or the time AsOf set.
func stamp(ctx context.Context) time.Time {
	if t, ok := ctx.Value(asOfKey{}).(time.Time); ok {
		return t
	}
	return now()
}
