package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// runMerge is `citebench merge -out DIR A/results.json B/results.json…`:
// one report (table, results.json, plot) from runs made separately — the
// opt-in 1m corpus is measured in a run of its own. A corpus measured in
// more than one file keeps the later file's figures; the load test is the
// last file's that has one; the machine is the first file's.
func runMerge(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("citebench merge", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "bench-out", "write results.json, table.md and latency.png to `DIR`")
	if err := fl.Parse(args); err != nil {
		return usageError{err}
	}
	if fl.NArg() == 0 {
		return usageError{errors.New("merge: give results.json files")}
	}
	var merged *report
	var commands []string
	for _, path := range fl.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var rep report
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("%s: %w", path, err)
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
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, r := range merged.Sizes {
		if err := writeSizeTable(stdout, r); err != nil {
			return err
		}
	}
	if merged.Load != nil {
		if err := writeLoadTable(stdout, merged.Load); err != nil {
			return err
		}
	}
	if err := writeSummary(stdout, merged); err != nil {
		return err
	}
	return writeOutputs(*out, merged)
}
