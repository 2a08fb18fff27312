//go:build !unix

package bleveindex

import (
	"fmt"
	"os"
)

// lockIndex only makes sure the index folder exists where flock is not
// available: run one `citebot index` per index there.
func lockIndex(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	return func() {}, nil
}
