package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/search"
)

// searchLimit is how many people (and cases) a search shows, best first.
const searchLimit = 30

// maxSearchText is the longest phrase a case search takes.
const maxSearchText = 200

// searchPage is the search form as given and what it found.
type searchPage struct {
	Form    searchForm
	Asked   bool
	People  []personHit
	Held    []access.Held
	Cases   []*pole.Case
	Message string
}

type searchForm struct {
	Name, Alias, DOB, AgeFrom, AgeTo, Phone, Vehicle, Postcode, Ref, Text string
}

// personHit is one person record found, with why it matched and the
// person (entity) it is linked to.
type personHit struct {
	M       *pole.Mention
	Entity  string
	Score   float64
	Reasons []string
}

// searchPeople is GET /search: people by name (fuzzy and phonetic, through
// the linkage comparators), alias, date of birth or age range, phone,
// vehicle or postcode; cases by reference or by a phrase of their
// narrative or closure rationale. The index proposes candidates;
// the store returns only those within the user's reach, filtered inside
// its query, and names the forces that hold the others.
func (a *api) searchPeople(w http.ResponseWriter, r *http.Request, rq access.Request) (*view, error) {
	q := readQuery(r, "name", "alias", "dob", "age_from", "age_to", "phone", "vehicle", "postcode", "ref", "text")
	if q.err != nil {
		return nil, q.err
	}
	f := searchForm{Name: q.str("name"), Alias: q.str("alias"), DOB: q.str("dob"), AgeFrom: q.str("age_from"), AgeTo: q.str("age_to"),
		Phone: q.str("phone"), Vehicle: q.str("vehicle"), Postcode: q.str("postcode"), Ref: q.str("ref"), Text: q.str("text")}
	page := searchPage{Form: f}
	v := &view{Page: "search", Title: "Search", Data: &page}
	if f == (searchForm{}) {
		return v, nil
	}
	page.Asked = true
	ctx := r.Context()
	if f.Ref != "" || f.Text != "" {
		if len(f.Text) > maxSearchText {
			return nil, badRequest("text", "at most %d bytes", maxSearchText)
		}
		cases, _, err := a.guard.FindCases(ctx, rq, pole.CaseFilter{CrimeRef: f.Ref, Text: f.Text, Limit: searchLimit})
		if err != nil {
			return nil, err
		}
		page.Cases = cases
	}
	sq, err := f.query()
	if err != nil {
		return nil, err
	}
	if sq == (search.Query{}) {
		return v, nil
	}
	if err := a.people.fresh(ctx); err != nil {
		return nil, err
	}
	hits, err := a.people.ix.Search(sq, a.now(), searchLimit)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.MentionID
	}
	res, err := a.guard.FindPeople(ctx, rq, access.PersonSearch, ids, "people search")
	if err != nil {
		return nil, err
	}
	entities, err := a.st.EntitiesOfMentions(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]search.Hit, len(hits))
	for _, h := range hits {
		byID[h.MentionID] = h
	}
	for _, m := range res.Mentions {
		if m.Pseudonym != "" {
			continue // sealed since the index read it: a victim is never found by name
		}
		h := byID[m.ID]
		page.People = append(page.People, personHit{M: m, Entity: entities[m.ID], Score: h.Score, Reasons: h.Reasons})
	}
	page.Held = res.Held
	if len(page.People) == 0 && len(page.Held) == 0 && len(page.Cases) == 0 {
		page.Message = "Nothing within your reach matches."
	}
	return v, nil
}

// peopleIndex keeps the search index fresh. The first build is waited
// for (the command that serves does it before it listens); after that a
// search that finds the index older than refreshEvery starts a refresh in
// the background and is answered from the index as it stands, so that no
// search waits on reading what changed.
type peopleIndex struct {
	ix  *search.Index
	now func() time.Time
	log *slog.Logger

	mu         sync.Mutex // held for the first build
	built      bool
	last       time.Time // guarded by mu
	refreshing atomic.Bool
}

// refreshEvery is how stale the people index may be: a record loaded by
// another process is found by name within about this long.
const refreshEvery = 10 * time.Second

// build reads every person record into the index, if that was never done.
func (p *peopleIndex) build(ctx context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built {
		return p.ix.Len(), nil
	}
	n, err := p.ix.Refresh(ctx)
	if err != nil {
		return 0, err
	}
	p.built, p.last = true, p.now()
	return n, nil
}

func (p *peopleIndex) fresh(ctx context.Context) error {
	p.mu.Lock()
	built, stale := p.built, p.now().Sub(p.last) >= refreshEvery
	p.mu.Unlock()
	if !built {
		_, err := p.build(ctx)
		return err
	}
	if !stale || !p.refreshing.CompareAndSwap(false, true) {
		return nil
	}
	go func() {
		defer p.refreshing.Store(false)
		// The request that noticed may end first; the refresh is the
		// server's, not the request's.
		if _, err := p.ix.Refresh(context.WithoutCancel(ctx)); err != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "refreshing the people search index", slog.String("error", err.Error()))
			return
		}
		p.mu.Lock()
		p.last = p.now()
		p.mu.Unlock()
	}()
	return nil
}

// query is the form as the index's query, each field checked.
func (f searchForm) query() (search.Query, error) {
	q := search.Query{Name: f.Name, Alias: f.Alias, Phone: f.Phone, Vehicle: f.Vehicle, Postcode: f.Postcode}
	if f.DOB != "" {
		d, err := pole.ParsePartialDate(f.DOB)
		if err != nil {
			return q, badRequest("dob", "%q is not a date: give YYYY-MM-DD, YYYY-MM or YYYY", f.DOB)
		}
		q.DOB = d
	}
	for _, x := range []struct {
		name, v string
		to      *int
	}{{"age_from", f.AgeFrom, &q.AgeFrom}, {"age_to", f.AgeTo, &q.AgeTo}} {
		if x.v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(x.v))
		if err != nil || n < 0 || n > 130 {
			return q, badRequest(x.name, "%q is not an age in years", x.v)
		}
		*x.to = n
	}
	if q.AgeFrom > 0 && q.AgeTo > 0 && q.AgeFrom > q.AgeTo {
		return q, badRequest("age_to", "the age range ends (%d) before it starts (%d)", q.AgeTo, q.AgeFrom)
	}
	return q, nil
}
