package slack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

var (
	liveControl   = regexp.MustCompile(`<[!@][^<>]*>`)
	liveBroadcast = regexp.MustCompile(`(?i)@(channel|here|everyone)\b`)
)

// Pings lists what in a message as Slack receives it (its blocks JSON and
// its top-level text, both as sent) would notify anyone: mention
// elements in rich text, <!…>/<@…> control sequences and bare
// @channel/@here/@everyone in any text. asker's own "<@asker>" (the
// "asked by" line) is the one allowed.
func Pings(blocks json.RawMessage, text, asker string) []string {
	var out []string
	check := func(s string) {
		for _, m := range liveControl.FindAllString(s, -1) {
			if asker == "" || m != "<@"+asker+">" {
				out = append(out, m)
			}
		}
		out = append(out, liveBroadcast.FindAllString(s, -1)...)
	}
	check(text)
	var v any
	if err := json.Unmarshal(blocks, &v); err != nil && len(blocks) > 0 {
		return append(out, "unreadable blocks: "+err.Error())
	}
	walkObjects(v, func(obj map[string]any) {
		switch obj["type"] {
		case "user", "usergroup", "broadcast":
			out = append(out, fmt.Sprint(obj))
		}
		if s, ok := obj["text"].(string); ok {
			check(s)
		}
	})
	return out
}

var linkRef = regexp.MustCompile(`<[^<>|]*\|([^<>]*)>`)

// VisibleText is what Slack shows of blocks (as sent): every text, links
// as their labels, entities decoded, invisible word joiners gone.
func VisibleText(blocks json.RawMessage) string {
	var v any
	if err := json.Unmarshal(blocks, &v); err != nil {
		return "unreadable blocks: " + err.Error()
	}
	var b strings.Builder
	walkObjects(v, func(obj map[string]any) {
		if s, ok := obj["text"].(string); ok {
			b.WriteString(s)
			b.WriteString("\n")
		}
	})
	text := linkRef.ReplaceAllString(b.String(), "$1")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "\u2060", "").Replace(text)
}

// LimitError says which of Slack's limits blocks (as sent) break, or nil.
func LimitError(blocks json.RawMessage) error {
	m := measureJSON(blocks)
	switch {
	case m.blocks > MaxBlocks:
		return fmt.Errorf("%d blocks; Slack allows %d", m.blocks, MaxBlocks)
	case m.longest > MaxTextObject:
		return fmt.Errorf("a text of %d characters; Slack allows %d", m.longest, MaxTextObject)
	case m.text > MaxBlockText:
		return fmt.Errorf("%d characters of block text; Slack rejects about 12,000 (msg_blocks_too_long)", m.text)
	case m.bytes > MaxMessageBytes:
		return fmt.Errorf("%d bytes of blocks", m.bytes)
	}
	return nil
}
