package graph

import "context"

// Pinger is a backing service that can say whether it answers.
type Pinger interface {
	Ping(ctx context.Context) error
}
