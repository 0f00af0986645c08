package handlers

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// The OpenAPI document is openapi.json plus one openapi.<area>.json per area
// of the API, each holding "paths" and "components"; they are merged once.
//
//go:embed openapi*.json
var openAPIFiles embed.FS

var openAPIOnce = sync.OnceValues(buildOpenAPI)

func buildOpenAPI() ([]byte, error) {
	doc, err := readJSONObject("openapi.json")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(openAPIFiles, "openapi.*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		part, err := readJSONObject(name)
		if err != nil {
			return nil, err
		}
		if err := mergeSection(doc, part, "paths", name); err != nil {
			return nil, err
		}
		comps, _ := part["components"].(map[string]any)
		base, _ := doc["components"].(map[string]any)
		for kind, v := range comps {
			if base[kind] == nil {
				base[kind] = map[string]any{}
			}
			if err := mergeSection(base, map[string]any{kind: v}, kind, name); err != nil {
				return nil, err
			}
		}
	}
	return json.Marshal(doc)
}

func readJSONObject(name string) (map[string]any, error) {
	b, err := openAPIFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("handlers: %s: %w", name, err)
	}
	return m, nil
}

// mergeSection copies part[key]'s entries into doc[key]; an entry defined
// twice is an error.
func mergeSection(doc, part map[string]any, key, name string) error {
	dst, _ := doc[key].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		doc[key] = dst
	}
	src, _ := part[key].(map[string]any)
	for k, v := range src {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("handlers: %s: %s %q defined twice", name, key, k)
		}
		dst[k] = v
	}
	return nil
}

func (s *Server) apiOpenAPI(c *gin.Context) error {
	doc, err := openAPIOnce()
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, jsonContentType, doc)
	return nil
}
