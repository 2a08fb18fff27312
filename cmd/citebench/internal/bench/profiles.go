package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/pprof/profile"

	"github.com/citebot/citebot/cmd/citebench/internal/peers"
)

// profiles decides where each phase's CPU profile goes: every phase's to
// dir (-cpuprofile alone), or citebot's phases' to dir, merged into one
// file at the end (-cpuprofile FILE).
type profiles struct {
	all         bool
	citebotFile string
	dir         string
	citebot     []string // the citebot phases' profiles so far
}

// path is where the profile of one run of a phase goes; "" for none.
func (p *profiles) path(size, phaseName, system string, run int) string {
	switch {
	case p.citebotFile != "" && system == peers.Citebot:
		path := filepath.Join(p.dir, fmt.Sprintf("%s-%s-%d.pprof", size, phaseName, run))
		p.citebot = append(p.citebot, path)
		return path
	case p.all:
		name := size + "-" + phaseName
		if run > 0 {
			name += fmt.Sprintf("-run%d", run+1)
		}
		return filepath.Join(p.dir, name+".pprof")
	}
	return ""
}

// mergeCitebot writes the citebot phases' profiles as one to the file
// asked for.
func (p *profiles) mergeCitebot() error {
	if p.citebotFile == "" || len(p.citebot) == 0 {
		return nil
	}
	var all []*profile.Profile
	for _, path := range p.citebot {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		prof, err := profile.Parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("cpu profile %s: %w", path, err)
		}
		all = append(all, prof)
	}
	merged, err := profile.Merge(all)
	if err != nil {
		return fmt.Errorf("merge cpu profiles: %w", err)
	}
	out, err := os.Create(p.citebotFile)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := errors.Join(merged.Write(out), out.Close()); err != nil {
		return fmt.Errorf("write cpu profile %s: %w", p.citebotFile, err)
	}
	return nil
}
