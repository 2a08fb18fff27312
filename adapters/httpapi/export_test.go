package httpapi

import "io/fs"

// WebFS exposes the embedded page files to tests.
func WebFS() fs.FS { return web }
