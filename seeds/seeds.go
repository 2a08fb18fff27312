// Package seeds embeds citebot's default corpus: two news articles about a
// State Department cable on migration, each with a metadata sidecar
// (<id>.meta.yaml). citebot answers from them when no other corpus is
// configured, so it works on a fresh machine with nothing to download.
package seeds

import "embed"

// FS holds the seed articles (the file stem is the document id) and their
// metadata sidecars.
//
//go:embed *.txt *.meta.yaml
var FS embed.FS
