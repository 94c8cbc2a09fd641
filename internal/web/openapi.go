package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
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

// The docs page reads just what it shows from the document: for every operation its
// parameters, the fields of its request body and of its answers, resolved through $ref.
type docOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []docParam
	Body                                   []docField
	Responses                              []docResponse
}

type docParam struct {
	Name, In, Description string
	Required              bool
}

type docResponse struct {
	Code, Description string
	Fields            []docField
}

// docField is one field of a body, Depth > 0 inside an object or array field.
type docField struct {
	Name, Type, Description string
	Required                bool
	Depth                   int
}

// apiDoc is the OpenAPI document as plain JSON values, for the docs page.
type apiDoc struct{ root map[string]any }

func (d apiDoc) resolve(v any) (map[string]any, string) {
	m, _ := v.(map[string]any)
	ref, _ := m["$ref"].(string)
	if ref == "" {
		return m, ""
	}
	cur := any(d.root)
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		next, _ := cur.(map[string]any)
		cur = next[part]
	}
	out, _ := cur.(map[string]any)
	return out, ref[strings.LastIndex(ref, "/")+1:]
}

// typeOf names a schema's type as a reader wants it: "integer", "string (date)", "Payment",
// "array of Heir", "one of self, apbn …".
func (d apiDoc) typeOf(v any) string {
	m, name := d.resolve(v)
	if m == nil {
		return ""
	}
	if e, ok := m["enum"].([]any); ok {
		parts := make([]string, len(e))
		for i, x := range e {
			parts[i] = fmt.Sprint(x)
		}
		return "one of " + strings.Join(parts, ", ")
	}
	t, _ := m["type"].(string)
	if t == "array" {
		return "array of " + d.typeOf(m["items"])
	}
	if name != "" && t == "object" {
		return name
	}
	if f, ok := m["format"].(string); ok {
		return t + " (" + f + ")"
	}
	if t == "" {
		return name
	}
	return t
}

// fields lists a schema's properties, and those of objects inside it to depth 2.
func (d apiDoc) fields(v any, depth int) []docField {
	m, _ := d.resolve(v)
	if m == nil || depth > 2 {
		return nil
	}
	if t, _ := m["type"].(string); t == "array" {
		return d.fields(m["items"], depth)
	}
	props, _ := m["properties"].(map[string]any)
	required := map[string]bool{}
	if req, ok := m["required"].([]any); ok {
		for _, r := range req {
			required[fmt.Sprint(r)] = true
		}
	}
	var out []docField
	for _, name := range slices.Sorted(maps.Keys(props)) {
		p, _ := d.resolve(props[name])
		desc, _ := p["description"].(string)
		if desc == "" {
			if raw, ok := props[name].(map[string]any); ok {
				desc, _ = raw["description"].(string)
			}
		}
		out = append(out, docField{Name: name, Type: d.typeOf(props[name]), Description: desc, Required: required[name], Depth: depth})
		if t, _ := p["type"].(string); (t == "object" || t == "array") && depth < 1 {
			out = append(out, d.fields(props[name], depth+1)...)
		}
	}
	return out
}

// jsonSchema is the schema of an application/json content.
func jsonSchema(v any) any {
	m, _ := v.(map[string]any)
	c, _ := m["content"].(map[string]any)
	j, _ := c["application/json"].(map[string]any)
	return j["schema"]
}

func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) {
	var root map[string]any
	if err := json.Unmarshal(openapiDoc, &root); err != nil {
		s.renderError(w, r, nil, err)
		return
	}
	d := apiDoc{root}
	info, _ := root["info"].(map[string]any)
	paths, _ := root["paths"].(map[string]any)
	var ops []docOp
	for path, methods := range paths {
		ms, _ := methods.(map[string]any)
		for method, raw := range ms {
			op, _ := raw.(map[string]any)
			if op == nil {
				continue
			}
			o := docOp{Method: strings.ToUpper(method), Path: path}
			o.ID, _ = op["operationId"].(string)
			o.Summary, _ = op["summary"].(string)
			o.Description, _ = op["description"].(string)
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm, _ := d.resolve(p)
				dp := docParam{}
				dp.Name, _ = pm["name"].(string)
				dp.In, _ = pm["in"].(string)
				dp.Description, _ = pm["description"].(string)
				dp.Required, _ = pm["required"].(bool)
				o.Params = append(o.Params, dp)
			}
			if rb, _ := d.resolve(op["requestBody"]); rb != nil {
				o.Body = d.fields(jsonSchema(rb), 0)
			}
			resps, _ := op["responses"].(map[string]any)
			for _, code := range slices.Sorted(maps.Keys(resps)) {
				rm, name := d.resolve(resps[code])
				desc, _ := rm["description"].(string)
				if name == "Problem" {
					desc = "problem+json: " + desc
				}
				o.Responses = append(o.Responses, docResponse{Code: code, Description: desc, Fields: d.fields(jsonSchema(rm), 0)})
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	// Grouped by what they are about (the path's first word after /api/v1/), each group
	// folded, so the page is a short index on a phone.
	type group struct {
		Name string
		Ops  []docOp
	}
	var groups []group
	for _, o := range ops {
		name := strings.TrimPrefix(o.Path, "/api/v1/")
		name, _, _ = strings.Cut(strings.TrimPrefix(name, "/api/"), "/")
		if len(groups) == 0 || groups[len(groups)-1].Name != name {
			groups = append(groups, group{Name: name})
		}
		groups[len(groups)-1].Ops = append(groups[len(groups)-1].Ops, o)
	}
	title, _ := info["title"].(string)
	desc, _ := info["description"].(string)
	pg := page{Lang: lang(r, nil), Title: title, Data: map[string]any{"Description": desc, "Version": root["openapi"], "Count": len(ops), "Groups": groups}}
	s.renderPage(w, r, http.StatusOK, "apidocs", pg)
}
