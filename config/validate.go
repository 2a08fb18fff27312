package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Problem is one thing wrong with a configuration: which key, and what is
// wrong with it in plain words (what was found, what is expected).
type Problem struct {
	Key     string
	Message string
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// ValidationError lists every problem Validate found.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("invalid configuration (1 problem):")
	} else {
		fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// DocumentFormats are the kinds of file citebot reads from a corpus
// folder, for messages.
const DocumentFormats = ".txt, .md, .html, .pdf, .docx, .jsonl"

// SplitCorpus reads a corpus entry (corpus, --corpus, CITEBOT_CORPUS):
// DIR, or NAME=DIR to name the collection the folder forms (collection
// "" means the folder's name). An entry that is an existing path is
// always a DIR, so a folder whose name holds "=" still works.
func SplitCorpus(entry string) (collection, dir string, err error) {
	name, d, ok := strings.Cut(entry, "=")
	if !ok {
		return "", entry, nil
	}
	if _, statErr := os.Stat(entry); statErr == nil {
		return "", entry, nil
	}
	name = strings.TrimSpace(name)
	if name == "" || d == "" {
		return "", "", fmt.Errorf("corpus %q: want DIR or NAME=DIR", entry)
	}
	return name, d, nil
}

// MinTokenLength is the shortest api.token accepted: a bearer token is
// only as good as it is hard to guess.
const MinTokenLength = 16

// MaxQuestionBytesLimit bounds api.max_question_bytes; the HTTP API reads
// at most 64 KiB of request body.
const MaxQuestionBytesLimit = 32 << 10

// Validate checks c and returns a *ValidationError listing every problem,
// or nil. It looks at the file system only to check that corpus folders
// and index.path exist. Adapter sections are checked only when enabled.
func (c *Config) Validate() error {
	var v validator
	v.problems = append(v.problems, c.typeProblems...)
	for _, k := range c.unknown {
		where := "the configuration file"
		if c.File != "" {
			where = c.File
		}
		v.add(k, "is not a citebot setting (found in %s); check the spelling against citebot.example.yaml", where)
	}

	if len(c.Corpus) > 0 && c.Index.Path != "" {
		v.add("corpus", "is set together with index.path; set one: corpus folders are indexed in memory at start-up, index.path opens an index built with `citebot index`")
	}
	for i, entry := range c.Corpus {
		key := fmt.Sprintf("corpus[%d]", i)
		if _, dir, err := SplitCorpus(entry); err != nil {
			v.add(key, "is %q; expected DIR or NAME=DIR (a folder of documents, as a collection named NAME)", entry)
		} else {
			v.dir(key, dir, "a folder of documents ("+DocumentFormats+")")
		}
	}
	if c.Index.Path != "" {
		if isURL(c.Index.Path) {
			v.add("index.path", "is a URL (%s); an OpenSearch index goes in index.url, index.path is a folder", redactURLs(c.Index.Path))
		} else {
			v.dir("index.path", c.Index.Path, "an index folder built with `citebot index --corpus DIR --index PATH`")
		}
	}
	if c.Index.URL != "" {
		v.location("index.url", c.Index.URL, "the OpenSearch index to answer from, http[s]://HOST:PORT/NAME (NAME: the alias `citebot index --index URL` keeps)")
		if c.Index.Path != "" {
			v.add("index.url", "is set together with index.path; set one: index.path is a Bleve index folder, index.url an OpenSearch index")
		}
		if len(c.Corpus) > 0 {
			v.add("corpus", "is set together with index.url; set one: corpus folders are indexed in memory at start-up, index.url answers from OpenSearch")
		}
	}
	if c.Data.Dir != "" {
		if st, err := os.Stat(c.Data.Dir); err == nil && !st.IsDir() {
			v.add("data.dir", "%q is a file; expected a folder (it is created when missing)", c.Data.Dir)
		}
	}
	if c.Data.URL != "" {
		v.location("data.url", c.Data.URL, "where serve replicas share their state on OpenSearch, http[s]://HOST:PORT/PREFIX")
		if c.Data.Dir != "" {
			v.add("data.url", "is set together with data.dir; set one: data.dir keeps state in a local file, data.url on OpenSearch (shared by replicas)")
		}
	}
	v.openSearch(c)

	v.hostPort("http.addr", c.HTTP.Addr)
	if c.HTTP.ShutdownTimeout <= 0 {
		v.add("http.shutdown_timeout", "is %s; expected a positive duration such as 15s", c.HTTP.ShutdownTimeout)
	}
	if c.HTTP.RequestTimeout <= 0 {
		v.add("http.request_timeout", "is %s; expected a positive duration such as 30s", c.HTTP.RequestTimeout)
	}
	v.rate("limits.per_user", c.Limits.PerUser)
	v.rate("limits.per_channel", c.Limits.PerChannel)
	v.rate("limits.per_client", c.Limits.PerClient)

	if t := c.API.Token; t != "" {
		switch {
		case strings.IndexFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			v.add("api.token", "contains spaces or control characters; expected one word of printable characters")
		case len(t) < MinTokenLength:
			v.add("api.token", "is %d characters long; expected at least %d random characters (for example `openssl rand -hex 32`)", len(t), MinTokenLength)
		}
	}
	if n := c.API.MaxQuestionBytes; n < 1 || n > MaxQuestionBytesLimit {
		v.add("api.max_question_bytes", "is %d; expected a number of bytes between 1 and %d", n, MaxQuestionBytesLimit)
	}

	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "auto", "json", "text")

	if c.Slack.Enabled {
		v.oneOf("slack.mode", c.Slack.Mode, "socket", "http")
		v.token("slack.bot_token", c.Slack.BotToken, "xoxb-", "the bot token (xoxb-…) from the app's OAuth & Permissions page")
		switch c.Slack.Mode {
		case "socket":
			v.token("slack.app_token", c.Slack.AppToken, "xapp-", "an app-level token (xapp-…) with connections:write, which slack.mode socket needs")
		case "http":
			v.token("slack.signing_secret", c.Slack.SigningSecret, "", "the signing secret from the app's Basic Information page, which slack.mode http needs to verify requests")
		}
	}
	v.url("slack.api_url", c.Slack.APIURL)
	v.channels("slack", c.Slack.Channels, c.Slack.OnlyListedChannels, slackChannelID)

	if c.Discord.Enabled {
		v.oneOf("discord.mode", c.Discord.Mode, "gateway", "http")
		v.token("discord.bot_token", c.Discord.BotToken, "", "the bot token from the Developer Portal's Bot page")
		v.snowflake("discord.app_id", c.Discord.AppID, true)
		if c.Discord.Mode == "http" {
			if k := c.Discord.PublicKey; k == "" {
				v.add("discord.public_key", "is empty; discord.mode http needs the application's public key (64 hex characters, General Information page) to verify interactions")
			} else if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
				v.add("discord.public_key", "is not 64 hexadecimal characters; expected the application's Ed25519 public key from the General Information page")
			}
		}
	}
	v.snowflake("discord.guild_id", c.Discord.GuildID, false)
	v.url("discord.api_url", c.Discord.APIURL)
	v.channels("discord", c.Discord.Channels, c.Discord.OnlyListedChannels, discordChannelID)
	if c.Discord.Enabled && c.Discord.Mode == "http" && c.Discord.MessageContent {
		v.add("discord.message_content", "is true but discord.mode http receives no messages, only interactions; use discord.mode gateway or set it to false")
	}

	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// validator collects problems.
type validator struct{ problems []Problem }

func (v *validator) add(key, format string, args ...any) {
	v.problems = append(v.problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

// MaxBurst bounds a limit's burst: a bucket that large limits nothing.
const MaxBurst = 100000

// rate checks a token bucket: rate 0 (no limit), or a positive rate with
// a burst of at least 1.
func (v *validator) rate(key string, r RateConfig) {
	switch {
	case r.Rate < 0 || r.Rate != r.Rate || r.Rate > 1e6:
		v.add(key+".rate", "is %g; expected requests per second, from 0 (no limit) to 1000000, such as 0.2 (one every 5 seconds)", r.Rate)
	case r.Rate > 0 && (r.Burst < 1 || r.Burst > MaxBurst):
		v.add(key+".burst", "is %d; expected how many requests may come at once, from 1 to %d", r.Burst, MaxBurst)
	}
}

func (v *validator) oneOf(key, got string, allowed ...string) {
	for _, a := range allowed {
		if got == a {
			return
		}
	}
	v.add(key, "is %q; expected one of %s", got, strings.Join(allowed, ", "))
}

func (v *validator) dir(key, path, what string) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.add(key, "%q does not exist; expected %s", path, what)
	case err != nil:
		v.add(key, "%q cannot be read (%v); expected %s", path, err, what)
	case !st.IsDir():
		v.add(key, "%q is a file; expected %s", path, what)
	}
}

func (v *validator) hostPort(key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		v.add(key, "is %q; expected host:port, for example 127.0.0.1:8080 (loopback only) or :8080 (every interface)", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.add(key, "has port %q; expected a number from 0 to 65535", port)
	}
	if strings.ContainsAny(host, " /") {
		v.add(key, "has host %q; expected a host name or IP address", host)
	}
}

// token checks a required secret: set, one word, with the given prefix.
func (v *validator) token(key, got, prefix, what string) {
	switch {
	case got == "":
		v.add(key, "is empty; expected %s", what)
	case strings.IndexFunc(got, unicode.IsSpace) >= 0:
		v.add(key, "contains spaces; expected %s", what)
	case prefix != "" && !strings.HasPrefix(got, prefix):
		v.add(key, "does not start with %q; expected %s", prefix, what)
	}
}

// channelID says what a platform's channel IDs look like.
type channelID struct {
	pattern *regexp.Regexp
	expect  string // "a channel ID such as …, not a name (where to find it)"
}

// slackChannelID matches Slack channel IDs (public C…, private G…, DM
// D…).
var slackChannelID = channelID{regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`),
	"a channel ID such as C0123456789, not a channel name (in Slack: open the channel's details, its ID is at the bottom of About)"}

// discordChannelID matches Discord channel IDs: snowflakes, 17 to 20
// digits.
var discordChannelID = channelID{regexp.MustCompile(`^[0-9]{17,20}$`),
	"a channel ID (a number such as 1234567890123456789), not a channel name (in Discord: turn on Developer Mode under Settings → Advanced, then right-click the channel → Copy Channel ID)"}

// channels checks a platform's channel list (PLATFORM.channels).
func (v *validator) channels(platform string, list []ChannelConfig, onlyListed bool, id channelID) {
	seen := map[string]int{}
	for i, ch := range list {
		key := fmt.Sprintf("%s.channels[%d]", platform, i)
		switch {
		case ch.ID == "":
			v.add(key+".id", "is empty; expected %s", id.expect)
		case !id.pattern.MatchString(ch.ID):
			v.add(key+".id", "is %q; expected %s", ch.ID, id.expect)
		default:
			if j, dup := seen[ch.ID]; dup {
				v.add(key+".id", "repeats %s, already set by %s.channels[%d]; list each channel once", ch.ID, platform, j)
			}
			seen[ch.ID] = i
		}
		for j, name := range ch.Collections {
			if strings.TrimSpace(name) == "" {
				v.add(fmt.Sprintf("%s.collections[%d]", key, j), "is empty; expected a collection name (a corpus folder's name, or NAME in --corpus NAME=DIR)")
			}
		}
	}
	if onlyListed && len(list) == 0 {
		v.add(platform+".only_listed_channels", "is true but %s.channels lists no channel, so the bot would answer only direct messages; list the channels or set it to false", platform)
	}
}

func (v *validator) snowflake(key, got string, required bool) {
	if got == "" {
		if required {
			v.add(key, "is empty; expected the application ID (a number) from the Developer Portal")
		}
		return
	}
	if _, err := strconv.ParseUint(got, 10, 64); err != nil {
		v.add(key, "is %q; expected a Discord ID, a number such as 123456789012345678", got)
	}
}

func isURL(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// openSearchName is what OpenSearch accepts as (the start of) an index
// or alias name.
var openSearchName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// location checks http[s]://HOST:PORT/NAME.
func (v *validator) location(key, got, what string) {
	u, err := url.Parse(got)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(key, "is %q; expected %s", redactURLs(got), what)
		return
	}
	name := strings.Trim(u.Path, "/")
	switch {
	case name == "":
		v.add(key, "%q names no index after the host; expected %s", redactURLs(got), what)
	case !openSearchName.MatchString(name) || len(name) > 200:
		v.add(key, "has the name %q, which OpenSearch does not accept; use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	case u.RawQuery != "" || u.Fragment != "":
		v.add(key, "is %q; expected %s, without ?query or #fragment", redactURLs(got), what)
	}
}

// openSearch checks the opensearch section; its layout keys matter only
// to `citebot index`, but are checked everywhere so a typo shows early.
func (v *validator) openSearch(c *Config) {
	o := c.OpenSearch
	for i, a := range o.Addresses {
		u, err := url.Parse(strings.TrimSpace(a))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			v.add(fmt.Sprintf("opensearch.addresses[%d]", i), "is %q; expected a node's base URL, http[s]://HOST:PORT", redactURLs(a))
		}
	}
	if (o.Username == "") != (o.Password == "") {
		v.add("opensearch.username", "and opensearch.password must be set together (or neither, for a cluster without security)")
	}
	if o.CAFile != "" {
		if st, err := os.Stat(o.CAFile); err != nil || st.IsDir() {
			v.add("opensearch.ca_file", "%q is not a readable file; expected a PEM file of certificate authorities", o.CAFile)
		}
	}
	if o.Shards < 1 || o.Shards > 1024 {
		v.add("opensearch.shards", "is %d; expected the number of primary shards of each index, from 1 to 1024", o.Shards)
	}
	if o.Replicas < -1 || o.Replicas > 100 {
		v.add("opensearch.replicas", "is %d; expected the number of replicas of each shard, from 0 to 100, or -1 (one when the cluster has two or more data nodes)", o.Replicas)
	}
}

func (v *validator) url(key, got string) {
	if got == "" {
		return
	}
	u, err := url.Parse(got)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(key, "is %q; expected an absolute http:// or https:// URL (or empty for the platform's own)", got)
	}
}
