// Package configtest keeps the machine's configuration out of the tests
// of what loads it (config.Load): the config package's own and the
// command's.
package configtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
)

// Isolate gives the test an empty working directory and config home,
// and clears every CITEBOT_* variable but the CITEBOT_TEST_* switches of
// tests and CI, so nothing on the machine leaks in. It returns the
// directory.
func Isolate(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, config.EnvPrefix+"_") && !strings.HasPrefix(name, config.TestEnvPrefix) {
			t.Setenv(name, "") // restored after the test; viper ignores empty variables
		}
	}
	return dir
}
