package mcp_test

import (
	"context"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/citebot/citebot/adapters/adaptertest"
	"github.com/citebot/citebot/adapters/mcp"
	"github.com/citebot/citebot/bot"
)

// BenchmarkAsk is one ask tool call, answered, over each transport (the
// client and server in one process), beside the bot's own Ask: the
// difference is what the protocol costs.
func BenchmarkAsk(b *testing.B) {
	bt := bot.New(adaptertest.SeedIndex(b))
	ctx := context.Background()
	b.Run("bot", func(b *testing.B) {
		for b.Loop() {
			if _, err := bt.Ask(ctx, bot.Request{Question: adaptertest.AnswerQuestion}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for name, connect := range transports {
		b.Run(name, func(b *testing.B) {
			cs := connect(b, mcp.New(bt, mcp.Options{}))
			params := &sdk.CallToolParams{Name: mcp.ToolAsk, Arguments: map[string]any{"question": adaptertest.AnswerQuestion}}
			for b.Loop() {
				res, err := cs.CallTool(ctx, params)
				if err != nil || res.IsError {
					b.Fatal(err, res)
				}
			}
		})
	}
}
