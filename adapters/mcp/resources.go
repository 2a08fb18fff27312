package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/yosida95/uritemplate/v3"

	"github.com/citebot/citebot/bot"
)

// DocumentTemplate is the URI template of documents as resources. The
// "+" keeps the slashes document ids hold (a corpus's subfolders)
// instead of escaping them.
const DocumentTemplate = "citebot://doc/{+id}"

var documentTemplate = uritemplate.MustNew(DocumentTemplate)

// DocumentURI is the resource URI of the document with this id.
func DocumentURI(id string) string {
	uri, err := documentTemplate.Expand(uritemplate.Values{"id": uritemplate.String(id)})
	if err != nil {
		// Expand fails only for a malformed template, which ours is not.
		panic(err)
	}
	return uri
}

// documentID is the id in a document URI, "" when uri is not one.
func documentID(uri string) string {
	v := documentTemplate.Match(uri)
	if v == nil {
		return ""
	}
	return v.Get("id").String()
}

const documentDescription = "A whole document citebot answers from: its text exactly as quotes are cut from it " +
	"(a citation's start and end are byte offsets into it), then its metadata as JSON " +
	"(doc, title, publisher, author, date, url, collection, passages, bytes). " +
	"Document ids are the doc fields of citations and of list_sources."

// addResources registers the document template on srv.
func (s *Server) addResources(srv *sdk.Server) {
	srv.AddResourceTemplate(&sdk.ResourceTemplate{
		URITemplate: DocumentTemplate,
		Name:        "document",
		Title:       "A document citebot answers from",
		Description: documentDescription,
	}, s.readDocument)
}

// readDocument serves resources/read of a document: its text
// (text/plain, the metadata in _meta too) and its metadata
// (application/json). An id the index does not hold is the protocol's
// resource-not-found error.
func (s *Server) readDocument(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	uri := req.Params.URI
	id := documentID(uri)
	doc, err := s.bot.Document(ctx, id)
	attrs := []slog.Attr{slog.String("adapter", Name), slog.String("resource", "document"), slog.String("doc", id)}
	level := slog.LevelInfo
	defer func() {
		s.log.LogAttrs(context.WithoutCancel(ctx), level, "resource read", append(attrs, slog.Duration("latency", time.Since(start)))...)
	}()
	if err != nil {
		code := bot.ErrorCode(err)
		attrs = append(attrs, slog.String("outcome", string(bot.OutcomeError)), slog.String("code", string(code)))
		switch code {
		case bot.CodeNotFound, bot.CodeInvalid:
			return nil, sdk.ResourceNotFoundError(uri)
		case bot.CodeInternal:
			level = slog.LevelError
		}
		attrs = append(attrs, slog.String("error", err.Error()))
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: bot.ErrorMessage(err)}
	}
	meta, err := json.Marshal(doc.DocumentInfo)
	if err != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("outcome", string(bot.OutcomeError)), slog.String("error", err.Error()))
		return nil, errors.New("the document's metadata could not be encoded")
	}
	attrs = append(attrs, slog.String("outcome", "ok"))
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{
		{URI: uri, MIMEType: "text/plain", Text: doc.Text, Meta: sdk.Meta{"citebot/document": doc.DocumentInfo}},
		{URI: uri, MIMEType: "application/json", Text: string(meta)},
	}}, nil
}
