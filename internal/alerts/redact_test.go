package alerts_test

import (
	"testing"

	"github.com/arbsync/arbsync/internal/alerts"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
			"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REDACTED"},
		{"https://oapi.dingtalk.com/robot/send?access_token=c8a5f1e3&timestamp=1751248800000&sign=a%2Bb%3D",
			"https://oapi.dingtalk.com/robot/send?access_token=REDACTED&sign=REDACTED&timestamp=REDACTED"},
		{"https://open.feishu.cn/open-apis/bot/v2/hook/0f6a3c2e-81d4-4b7a-9c1e-5d2f8a7b6c4e",
			"https://open.feishu.cn/open-apis/bot/v2/hook/REDACTED"},
		{"https://user:hunter2@hooks.example.com/alerts#frag", "https://user:REDACTED@hooks.example.com/alerts"},
		{"https://xoxb-token@hooks.example.com/alerts", "https://REDACTED@hooks.example.com/alerts"},
		{"http://erp.internal/hooks/arbsync", "http://erp.internal/hooks/arbsync"},
		{"http://[::1]:namedport/x?key=1", "[unparsable URL]"},
	}
	for _, tt := range tests {
		if got := alerts.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
