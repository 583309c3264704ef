package genealogy

import (
	"context"

	"github.com/halo-oss/halo/graph"
)

// AccessStore answers downline questions.
type AccessStore interface {
	// InDownline reports whether member is viewer itself or below it in the sponsor or the
	// placement tree (a consultant's customers are in its sponsor downline).
	InDownline(ctx context.Context, viewer, member string) (bool, error)
}

// Access decides what a caller may see: an admin everything; a consultant itself, its downline
// (sponsor and placement) and its customers; a customer itself. What may not be seen does not
// exist for the caller (NotFound), so nothing hints at members outside one's downline.
type Access struct {
	Store AccessStore
}

// CanSee returns nil when p may see member, NotFound otherwise.
func (a *Access) CanSee(ctx context.Context, p graph.Principal, member string) error {
	switch {
	case p.Role == graph.RoleAdmin, p.ID == member:
		return nil
	case p.Role == graph.RoleConsultant && graph.ValidID(member):
		ok, err := a.Store.InDownline(ctx, p.ID, member)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return graph.NotFound("member %s not found", member)
}

// IsSelf returns nil when p is member (or an admin), NotFound otherwise.
func (a *Access) IsSelf(p graph.Principal, member string) error {
	if p.Role == graph.RoleAdmin || p.ID == member {
		return nil
	}
	return graph.NotFound("member %s not found", member)
}
