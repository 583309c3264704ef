package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
)

var qCatalogueSeed = cypher.MustQuery("catalogue_seed")

// SeedCatalogue implements graph.DemoStore.
func (s *Store) SeedCatalogue(ctx context.Context, products []graph.DemoProduct, from time.Time) error {
	ps := make([]map[string]any, len(products))
	for i, p := range products {
		ps[i] = map[string]any{"vendor": p.Vendor, "vendor_name": p.VendorName, "sku": p.SKU, "name": p.Name,
			"bv": int64(p.BV), "cv": int64(p.CV), "retail": int64(p.Retail), "from": from.UTC().Format(time.RFC3339)}
	}
	_, err := s.write(ctx, qCatalogueSeed, map[string]any{"products": ps})
	return err
}
