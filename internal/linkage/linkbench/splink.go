package linkbench

import (
	"github.com/caselink/caselink/internal/linkage"
	"github.com/caselink/caselink/internal/normalise"
)

// readFake1000 reads Splink's fake_1000.csv, whose cluster column is the true
// entity. Its dates of birth are jittered, some into the future, so they are
// read as written.
func readFake1000(path string) ([]linkage.Record, []string, error) {
	c, err := openCSV(path, "unique_id", "first_name", "surname", "dob", "city", "email", "cluster")
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	dates, err := normalise.CompileDateLayouts([]string{"yyyy-mm-dd"}, 0)
	if err != nil {
		return nil, nil, err
	}
	var recs []linkage.Record
	var truth []string
	seen := make(map[string]int)
	for {
		ok, err := c.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		id := c.get("unique_id")
		if first, dup := seen[id]; dup {
			return nil, nil, c.errorf("unique_id", "%q is already given at line %d", id, first)
		}
		seen[id] = c.line
		cluster := c.get("cluster")
		if cluster == "" {
			return nil, nil, c.errorf("cluster", "no true cluster given")
		}
		dob, err := dates.Parse(c.get("dob"))
		if err != nil {
			return nil, nil, c.errorf("dob", "%v", err)
		}
		recs = append(recs, linkage.Record{
			Source:   "fake_1000",
			ID:       id,
			Forename: c.get("first_name"),
			Surname:  c.get("surname"),
			DOB:      dob,
			Locality: c.get("city"),
			Email:    c.get("email"),
		})
		truth = append(truth, cluster)
	}
	return recs, truth, nil
}
