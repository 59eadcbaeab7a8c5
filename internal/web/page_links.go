package web

import (
	"net/http"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

// linkReviewPage is one uncertain pair put to the user: the two records
// side by side with each comparison's level and weight.
type linkReviewPage struct {
	Pair      *store.LinkPair
	A, B      *pole.Mention
	EA, EB    string // the people each record is now part of
	Levels    []fieldLevel
	Remaining int
	Judged    string
}

// linkReview is GET /links/review: the most uncertain pair of the review
// band that nobody has judged, both records within the user's reach (the
// filter inside the query), for a judgement by button or by key.
func (a *api) linkReview(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "judged")
	judged := q.oneOf("judged", "", "same", "different", "unsure")
	if q.err != nil {
		return nil, q.err
	}
	ctx := r.Context()
	reach, err := a.guard.AuthorizeList(ctx, rq, access.LinkJudge, "mention")
	if err != nil {
		return nil, err
	}
	const shown = 50
	pairs, err := a.st.ReviewPairs(ctx, shown, reach)
	if err != nil {
		return nil, err
	}
	p := linkReviewPage{Remaining: len(pairs), Judged: judged}
	if len(pairs) == 0 {
		return &view{Page: "links", Title: "Links to review", Data: p}, nil
	}
	pair := pairs[0]
	res, err := a.guard.FindPeople(ctx, rq, access.PersonRead, []string{pair.A, pair.B}, "clerical review of links")
	if err != nil {
		return nil, err
	}
	if len(res.Mentions) != 2 {
		return nil, pole.Errorf(pole.ECONFLICT, "the pair's records changed while it was read: reload")
	}
	p.Pair, p.A, p.B = &pair, res.Mentions[0], res.Mentions[1]
	entities, err := a.st.EntitiesOfMentions(ctx, []string{pair.A, pair.B})
	if err != nil {
		return nil, err
	}
	p.EA, p.EB = entities[pair.A], entities[pair.B]
	model, err := a.linkModel(ctx)
	if err != nil {
		return nil, err
	}
	p.Levels = levelsOf(pair.Levels, model)
	return &view{Page: "links", Title: "Links to review", Data: p}, nil
}

// judgeLink is POST /links/judgements: a judgement from the review queue,
// then the next pair.
func (a *api) judgeLink(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	decision, err := a.judgeFromForm(w, r, rq)
	if err != nil {
		return nil, err
	}
	http.Redirect(w, r, "/links/review?judged="+decision, http.StatusSeeOther)
	return nil, nil
}
