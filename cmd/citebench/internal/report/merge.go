package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Merge joins the results.json of runs made separately — the opt-in 1m
// corpus is measured in a run of its own — into one report. A corpus
// measured in more than one file keeps the later file's figures; the
// load test is the last file's that has one; the machine is the first
// file's.
func Merge(paths []string) (*Report, error) {
	if len(paths) == 0 {
		return nil, errors.New("merge: no results.json files given")
	}
	var merged *Report
	var commands []string
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		var rep Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return nil, fmt.Errorf("merge %s: %w", path, err)
		}
		commands = append(commands, rep.Command)
		if merged == nil {
			merged = &rep
			continue
		}
		for _, s := range rep.Sizes {
			replaced := false
			for i, m := range merged.Sizes {
				if m.Name == s.Name {
					merged.Sizes[i], replaced = s, true
				}
			}
			if !replaced {
				merged.Sizes = append(merged.Sizes, s)
			}
		}
		if rep.Load != nil {
			merged.Load = rep.Load
		}
	}
	merged.Command = strings.Join(commands, " ; ")
	return merged, nil
}
