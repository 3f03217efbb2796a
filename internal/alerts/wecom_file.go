package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// WeCom group robots send a file in two requests: POST
// …/cgi-bin/webhook/upload_media?key=KEY&type=file with the file as the
// multipart part "media" (more than 5 bytes, at most 20 MB) answers
// {"errcode":0,"media_id":…}; then the usual send URL takes
// {"msgtype":"file","file":{"media_id":…}}. Both requests count against the
// robot's 20 messages a minute here (WeCom does not say whether uploads
// do; counting them is the safe reading). A failed upload or send fails the
// message, which the outbox retries whole (a second upload is harmless).
const (
	wecomMinFile = 6
	wecomMaxFile = 20 << 20
)

// sendFile sends m's FileContent as a file message.
func (w *wecom) sendFile(ctx context.Context, m Message) error {
	switch n := len(m.FileContent); {
	case n == 0:
		return w.invalid(errorString("report file content was not loaded"))
	case n < wecomMinFile || n > wecomMaxFile:
		return w.invalid(errorString("file is " + strconv.Itoa(n) + " bytes; WeCom takes more than 5 bytes and at most 20 MB"))
	}
	if err := w.acquire(ctx); err != nil {
		return err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="media"; filename="`+quoteFileName(m.FileName)+`"; filelength=`+strconv.Itoa(len(m.FileContent)))
	h.Set("Content-Type", "application/octet-stream")
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(m.FileContent)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return w.invalid(err)
	}
	r, err := w.post(ctx, w.uploadURL, body.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}}, w.scrub)
	if err != nil {
		return err
	}
	mediaID := ""
	decode := func(b []byte) (chatAnswer, bool) {
		var v struct {
			Errcode *int   `json:"errcode"`
			Errmsg  string `json:"errmsg"`
			MediaID string `json:"media_id"`
		}
		if json.Unmarshal(b, &v) != nil || v.Errcode == nil {
			return chatAnswer{}, false
		}
		mediaID = v.MediaID
		return chatAnswer{code: *v.Errcode, msg: v.Errmsg}, true
	}
	if err := w.chatResult(r, decode, classifyWeCom, w.scrub); err != nil {
		return err
	}
	if mediaID == "" {
		return w.errorf(Retriable, "wecom upload_media answered without a media_id")
	}
	if err := w.acquire(ctx); err != nil {
		return err
	}
	msg, err := marshal(map[string]any{"msgtype": "file", "file": map[string]string{"media_id": mediaID}})
	if err != nil {
		return w.invalid(err)
	}
	r, err = w.post(ctx, w.url, msg, nil, w.scrub)
	if err != nil {
		return err
	}
	return w.chatResult(r, decodeErrcode, classifyWeCom, w.scrub)
}

// uploadURL is the robot's upload_media address: the send URL's scheme,
// host and key.
func wecomUploadURL(send string) string {
	u, err := url.Parse(send)
	if err != nil {
		return ""
	}
	key := u.Query().Get("key")
	u.Path = strings.TrimSuffix(u.Path, "/send") + "/upload_media"
	u.RawQuery = url.Values{"key": {key}, "type": {"file"}}.Encode()
	return u.String()
}

// quoteFileName keeps a file name inside its Content-Disposition quotes.
func quoteFileName(s string) string {
	return strings.NewReplacer(`"`, "_", `\`, "_", "\r", "_", "\n", "_").Replace(s)
}

type errorString string

func (e errorString) Error() string { return string(e) }
