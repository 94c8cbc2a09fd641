package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapiJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(openapiDoc)
}

// The docs page reads just what it shows from the document.
type docOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []docParam
	Responses                              map[string]string
}

type docParam struct {
	Name, In, Description string
	Required              bool
}

func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title, Description string
		} `json:"info"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]docParam `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		s.renderError(w, r, nil, err)
		return
	}
	var ops []docOp
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			var op struct {
				OperationID string `json:"operationId"`
				Summary     string
				Description string
				Parameters  []struct {
					Ref string `json:"$ref"`
					docParam
				}
				Responses map[string]struct {
					Ref         string `json:"$ref"`
					Description string
				}
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				continue
			}
			d := docOp{ID: op.OperationID, Method: strings.ToUpper(method), Path: path, Summary: op.Summary,
				Description: op.Description, Responses: map[string]string{}}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p.docParam = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				d.Params = append(d.Params, p.docParam)
			}
			for code, resp := range op.Responses {
				if resp.Ref != "" {
					resp.Description = "problem"
				}
				d.Responses[code] = resp.Description
			}
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	pg := page{Lang: lang(r, nil), Title: doc.Info.Title, Data: map[string]any{"Description": doc.Info.Description, "Version": doc.OpenAPI, "Ops": ops}}
	s.renderPage(w, r, http.StatusOK, "apidocs", pg)
}
