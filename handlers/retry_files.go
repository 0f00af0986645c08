package handlers

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"onewindow/models"
)

// Files chosen on the online application survive a refused post (issue 21
// item 7): the checked files of the refused post go into the
// content-addressed file store at once, and the page carries, per kept
// file, a token signed with the database's secret key that names the file
// and expires after retryKeep. The next post files the kept files unless
// the applicant chose another file or ticked 移除. A forged, altered or
// expired token is refused with an error on its material's field.

// retryKeep is how long a kept file may be filed by the retry.
const retryKeep = time.Hour

// retryPurpose keys the tokens' MAC apart from any other use of the secret.
const retryPurpose = "apply retry file"

// retryFile is what a token says of one kept file.
type retryFile struct {
	Item    string `json:"i"` // the item's code
	Key     string `json:"k"` // the material's key
	SHA256  string `json:"s"`
	Size    int64  `json:"z"`
	Type    string `json:"t"` // the sniffed content type
	Name    string `json:"n"`
	Expires int64  `json:"e"` // Unix seconds
}

// retryKept is a kept file as the page shows it.
type retryKept struct {
	Token string
	Name  string
	file  retryFile
}

// retryInput and retryRemoveInput name the form's inputs of a material.
func retryInput(key string) string       { return "retry_" + key }
func retryRemoveInput(key string) string { return "retry_remove_" + key }

// retrySign writes the token of a kept file: payload.MAC, both base64url.
func (s *Server) retrySign(f retryFile) (string, bool) {
	payload, err := json.Marshal(f)
	if err != nil {
		return "", false
	}
	mac := s.store.SignToken(retryPurpose, payload)
	if mac == nil {
		return "", false
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac), true
}

// retryOpen checks a token for the item's material: its MAC, its item and
// material, its expiry and that the file is still stored. The problem is a
// locale key.
func (s *Server) retryOpen(token, item, key string) (retryFile, string) {
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(token, ".")
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	want := s.store.SignToken(retryPurpose, payload)
	var f retryFile
	if !ok || err1 != nil || err2 != nil || want == nil || !hmac.Equal(mac, want) || json.Unmarshal(payload, &f) != nil ||
		f.Item != item || f.Key != key {
		return retryFile{}, "retry.err.forged"
	}
	if s.now().Unix() >= f.Expires {
		return retryFile{}, "retry.err.expired"
	}
	if _, err := s.files.Stat(context.Background(), f.SHA256); err != nil {
		return retryFile{}, "retry.err.expired"
	}
	return f, ""
}

// retryCarried reads the kept files the post carries, by material key; a
// token that does not hold is a problem (locale key) of the material's file
// field. A material with a newly chosen file, or with 移除 ticked, drops its
// kept file.
func (s *Server) retryCarried(c *gin.Context, it *models.Item, errs map[string]string) map[string]*retryKept {
	out := map[string]*retryKept{}
	for _, m := range it.Materials {
		token := strings.TrimSpace(c.PostForm(retryInput(m.Key)))
		if token == "" || c.PostForm(retryRemoveInput(m.Key)) == "1" || formFile(c, "file_"+m.Key) != nil {
			continue
		}
		f, problem := s.retryOpen(token, it.Code, m.Key)
		if problem != "" {
			errs["file_"+m.Key] = problem
			continue
		}
		out[m.Key] = &retryKept{Token: token, Name: f.Name, file: f}
	}
	return out
}

// retryApplyKept reads the kept files of the post into the page's problems
// (locale keys, by field): a kept file stands for its material's file, a
// token that does not hold is its material's problem.
func (s *Server) retryApplyKept(c *gin.Context, it *models.Item, keys map[string]string) map[string]*retryKept {
	bad := map[string]string{}
	kept := s.retryCarried(c, it, bad)
	for key := range kept {
		if keys["file_"+key] == "citizen.err.file_required" {
			delete(keys, "file_"+key)
		}
	}
	for k, v := range bad {
		keys[k] = v
	}
	return kept
}

// retryKeepFiles puts the checked files of a refused post into the file
// store and adds them to kept; it reports whether every file was kept.
func (s *Server) retryKeepFiles(c *gin.Context, it *models.Item, files []upload, kept map[string]*retryKept) bool {
	all := true
	for _, u := range files {
		k, ok := s.retryKeepOne(it, u)
		if !ok {
			all = false
			continue
		}
		kept[u.key] = k
	}
	return all
}

func (s *Server) retryKeepOne(it *models.Item, u upload) (*retryKept, bool) {
	ctype, err := s.sniffUpload(u.fh)
	if err != nil || s.store.CheckDisk() != nil {
		return nil, false
	}
	src, err := u.fh.Open()
	if err != nil {
		return nil, false
	}
	defer src.Close()
	sum, size, err := s.files.Put(context.Background(), src, s.uploadLimit)
	if err != nil {
		return nil, false
	}
	name := filepath.Base(strings.ReplaceAll(u.fh.Filename, "\\", "/"))
	if !utf8.ValidString(name) || len(name) > 200 {
		name = "upload" + uploadTypes[ctype]
	}
	f := retryFile{Item: it.Code, Key: u.key, SHA256: sum, Size: size, Type: ctype, Name: name,
		Expires: s.now().Add(retryKeep).Unix()}
	token, ok := s.retrySign(f)
	if !ok {
		return nil, false
	}
	return &retryKept{Token: token, Name: name, file: f}, true
}

// retryFileKept files the kept files of the materials that got no new file.
func (s *Server) retryFileKept(c *gin.Context, number, code string, kept map[string]*retryKept, fresh []upload) {
	applicant := actorOf(c)
	applicant.QueryCode = code
	for key, k := range kept {
		if retryHasUpload(fresh, key) {
			continue
		}
		f := k.file
		// The filing stands whatever happens to a file now: the receipt lists
		// what arrived, the window asks for the rest.
		if _, err := s.actions().AddFile(c.Request.Context(), applicant, number, models.AppFile{MaterialKey: key,
			SHA256: f.SHA256, Size: f.Size, ContentType: f.Type, DisplayName: f.Name}); err != nil {
			_ = c.Error(err)
		}
	}
}

func retryHasUpload(files []upload, key string) bool {
	for _, u := range files {
		if u.key == key {
			return true
		}
	}
	return false
}
