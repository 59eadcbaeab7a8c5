package review

import (
	"context"
	"strings"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/normalise"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// InterestKey turns what a user typed into the key an interest is held
// under, so that two forces writing the same thing differently meet: a
// phone as E.164, a registration without spaces, a venue as its postcode
// and house. A person is registered by one of their records and held
// under the linked person (entity), resolved by the caller.
func InterestKey(kind, value string) (string, error) {
	value = strings.TrimSpace(value)
	switch kind {
	case "phone":
		k, err := normalise.Phone(value)
		if err != nil {
			return "", pole.Invalid("phone", "%v", err)
		}
		return k, nil
	case "vehicle":
		k, err := normalise.VRM(value)
		if err != nil {
			return "", pole.Invalid("vehicle", "%v", err)
		}
		return k, nil
	case "venue":
		postcode, house, _ := strings.Cut(value, "|")
		pc, err := normalise.ParsePostcode(postcode)
		if err != nil {
			return "", pole.Invalid("venue", "give POSTCODE|HOUSE (house may be empty): %v", err)
		}
		return pc.Full + "|" + strings.ToUpper(strings.Join(strings.Fields(house), " ")), nil
	case "person":
		if !pole.IsID(value) {
			return "", pole.Invalid("person", "give the id of one of the person's records")
		}
		return value, nil
	}
	return "", pole.Invalid("kind", "unknown kind %q (person, vehicle, phone or venue)", kind)
}

// Register records the principal's force's interest in a person, vehicle,
// phone or venue. When another force (or the national team) already holds
// an interest in the same one, both are told of the other through a
// notice, and the caller learns who holds it and whom to contact: never
// what they hold.
func (d *Desk) Register(ctx context.Context, rq access.Request, kind, value, reason string) ([]access.Held, error) {
	const op = "review.Register"
	key, err := InterestKey(kind, value)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if kind == "person" {
		// The person is known by a record the principal may read; the
		// interest is in whoever linkage holds that record to be.
		m, err := d.guard.FindMention(ctx, rq, key)
		if err != nil {
			return nil, pole.E(op, err)
		}
		entity, err := d.st.EntityOfMention(ctx, m.ID)
		if err != nil && pole.ErrorCode(err) != pole.ENOTFOUND {
			return nil, pole.E(op, err)
		}
		if entity == "" {
			entity = "mention:" + m.ID
		}
		key = entity
	}
	if err := d.guard.Authorize(ctx, rq, access.InterestRegister, access.Resource{Kind: "interest", Force: rq.Force}); err != nil {
		return nil, pole.E(op, err)
	}
	in := &pole.Interest{Kind: kind, Key: key, Force: rq.Force, UserID: rq.UserID, Login: rq.Login, Reason: strings.TrimSpace(reason)}
	others, err := d.st.CreateInterest(ctx, in)
	if err != nil {
		return nil, pole.E(op, err)
	}
	if err := d.guard.Note(ctx, rq, audit.Collection, "interest", []string{in.ID}, "interest in a "+kind); err != nil {
		return nil, pole.E(op, err)
	}
	var held []access.Held
	for _, o := range others {
		// Both owners are told: the one that held it first, of the new
		// interest; the new one, of the interest already held.
		for _, n := range []*store.InterestNotice{
			{OwnerForce: o.Force, RecordKind: "interest:" + kind, RecordID: o.ID, FromUser: rq.UserID, FromLogin: rq.Login, FromForce: rq.Force, Reason: in.Reason},
			{OwnerForce: rq.Force, RecordKind: "interest:" + kind, RecordID: in.ID, FromUser: o.UserID, FromLogin: o.Login, FromForce: o.Force, Reason: o.Reason},
		} {
			if err := d.st.CreateInterestNotice(ctx, n); err != nil {
				return nil, pole.E(op, err)
			}
		}
		held = append(held, access.Held{Force: o.Force, Contacts: []string{o.Login}})
	}
	return held, nil
}

// Interests lists the interests the principal's force holds.
func (d *Desk) Interests(ctx context.Context, rq access.Request) ([]*pole.Interest, error) {
	const op = "review.Interests"
	if err := d.guard.Authorize(ctx, rq, access.InterestRegister, access.Resource{Kind: "interest", Force: rq.Force}); err != nil {
		return nil, pole.E(op, err)
	}
	list, err := d.st.FindInterests(ctx, rq.Force)
	return list, pole.E(op, err)
}
