package upstream

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testAESKey is the AES key the decoder tests seal with.
var testAESKey = []byte("0123456789abcdef")

const validSignedCase = `{"caseId":"c1","caseNo":"京朝劳人仲字〔2025〕第1234号","title":"张某与北京恒达科技有限公司劳动争议","cause":"劳动合同纠纷","role":"respondent","claimAmount":"23456.78","awardAmount":"0.00","result":"pending","filingDate":"2025-03-14","closingDate":null,"executionStatus":"not_applicable","unexecutedAmount":"0.00","committee":"北京市朝阳区劳动人事争议仲裁委员会","updatedAt":"2025-03-14T10:22:31+08:00"}`

func signedBody(cases ...string) []byte {
	return []byte(`{"code":0,"message":"成功","requestId":"r1","data":{"creditCode":"91110105MA01ABCD3X","companyName":"北京恒达科技有限公司","total":` +
		strconv.Itoa(len(cases)) + `,"pageNum":1,"pageSize":50,"cases":[` + strings.Join(cases, ",") + `]}}`)
}

const validTianyuanRecord = `{"c_id":"t1","c_ah":"沪浦劳人仲（2024）办字第88号","n_ajlx":"劳动仲裁","n_laay":"追索劳动报酬纠纷","n_laay_tree":"劳动争议、人事争议,劳动争议,追索劳动报酬纠纷","n_ssdw":"被申请人","n_qsbdje":15000.5,"n_jabdje":"9000","d_larq":"2024-05-06","d_jarq":"2024-07-01","n_jafs":"裁决","n_pj_victory":"部分胜诉","n_jbfy":"上海市浦东新区劳动人事争议仲裁委员会","c_dsrxx":[{"c_mc":"李某","n_ssdw":"申请人"},{"c_mc":"上海华信物流有限公司","n_ssdw":"被申请人"}],"execution":[{"c_ah":"（2024）沪0115执1号","d_larq":"2024-08-01","d_jarq":"","n_jafs":"","n_sqzxbdje":9000,"n_wzxje":4000}],"d_gxsj":"2024-08-01 09:30:00"}`

const noiseTianyuanRecord = `{"c_id":"n1","c_ah":"（2024）沪0115民初1号","n_ajlx":"民事一审","n_laay":"劳务合同纠纷","n_laay_tree":"合同、准合同纠纷,合同纠纷,劳务合同纠纷","n_ssdw":"原告","n_qsbdje":1,"n_jabdje":0,"d_larq":"2024-01-01","d_gxsj":"2024-01-01 09:00:00"}`

func sealedBody(t testing.TB, plain string) []byte {
	t.Helper()
	sealed, err := TianyuanSeal(testAESKey, []byte(plain))
	require.NoError(t, err)
	return []byte(`{"code":0,"message":"成功","transaction_id":"x1","data":"` + sealed + `"}`)
}

func TestDecodeSignedMapsEveryField(t *testing.T) {
	pg, err := decodeSigned(200, signedBody(validSignedCase))
	require.NoError(t, err)
	require.Len(t, pg.cases, 1)
	c := pg.cases[0]
	require.Equal(t, "c1", c.CaseID)
	require.EqualValues(t, 2345678, c.ClaimAmount)
	require.Equal(t, RoleRespondent, c.Role)
	require.Equal(t, ResultPending, c.Result)
	require.Nil(t, c.ClosingDate)
	require.Equal(t, "2025-03-14T02:22:31Z", c.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"))
	require.JSONEq(t, validSignedCase, string(c.Raw))
}

func TestDecodeTianyuanMapsAndFilters(t *testing.T) {
	plain := `{"ent_name":"上海华信物流有限公司","ent_code":"91310115MA01ABCD3X","total":2,"page_num":1,"page_size":50,"list":[` + validTianyuanRecord + `,` + noiseTianyuanRecord + `]}`
	pg, err := decodeTianyuan(testAESKey, 200, sealedBody(t, plain))
	require.NoError(t, err)
	require.Equal(t, 2, pg.records)
	require.Len(t, pg.cases, 1, "劳务合同纠纷 is a civil contract, not a labor dispute")
	c := pg.cases[0]
	require.Equal(t, ResultPartial, c.Result)
	require.EqualValues(t, 1500050, c.ClaimAmount)
	require.EqualValues(t, 900000, c.AwardAmount)
	require.Equal(t, ExecPartiallyExecuted, c.ExecutionStatus)
	require.EqualValues(t, 400000, c.UnexecutedAmount)
	require.Equal(t, "李某与上海华信物流有限公司劳动争议", c.Title)
	require.Equal(t, "2024-07-01", c.ClosingDate.String())
	require.Equal(t, "2024-08-01T01:30:00Z", c.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"))
}

// TestDecodeRejectsMalformedCases: each broken field is named.
func TestDecodeRejectsMalformedCases(t *testing.T) {
	signed := []struct{ from, to, want string }{
		{`"role":"respondent"`, `"role":"boss"`, `case c1: field role: unknown value "boss"`},
		{`"result":"pending"`, `"result":"lost"`, `case c1: field result`},
		{`"executionStatus":"not_applicable"`, `"executionStatus":"paid"`, `field executionStatus`},
		{`"claimAmount":"23456.78"`, `"claimAmount":"23,456.78"`, `case c1: field claimAmount`},
		{`"claimAmount":"23456.78"`, `"claimAmount":"-1"`, `field claimAmount`},
		{`"awardAmount":"0.00"`, `"awardAmount":"0.001"`, `field awardAmount`},
		{`"filingDate":"2025-03-14"`, `"filingDate":"2025-02-30"`, `field filingDate`},
		{`"filingDate":"2025-03-14"`, `"filingDate":""`, `field filingDate: missing`},
		{`"closingDate":null`, `"closingDate":"2025-01-01"`, `field closingDate`},
		{`"updatedAt":"2025-03-14T10:22:31+08:00"`, `"updatedAt":"yesterday"`, `field updatedAt`},
		{`"caseId":"c1"`, `"caseId":""`, `case #1 of page 1: field caseId: empty`},
	}
	for _, tt := range signed {
		_, err := decodeSigned(200, signedBody(strings.Replace(validSignedCase, tt.from, tt.to, 1)))
		var ue *Error
		require.True(t, errors.As(err, &ue), "%s → %v", tt.to, err)
		require.Equal(t, KindBadResponse, ue.Kind)
		require.Contains(t, err.Error(), tt.want)
	}
	tianyuan := []struct{ from, to, want string }{
		{`"n_ssdw":"被申请人"`, `"n_ssdw":"负责人"`, `case t1: field n_ssdw`},
		{`"n_qsbdje":15000.5`, `"n_qsbdje":1.5e4`, `field n_qsbdje`},
		{`"n_pj_victory":"部分胜诉"`, `"n_pj_victory":"平局"`, `field n_pj_victory`},
		{`"n_jafs":"裁决"`, `"n_jafs":"掷骰子"`, `field n_jafs`},
		{`"d_larq":"2024-05-06"`, `"d_larq":"2024-05-32"`, `field d_larq`},
		{`"n_wzxje":4000`, `"n_wzxje":"x"`, `field execution[0].n_wzxje`},
		{`"d_gxsj":"2024-08-01 09:30:00"`, `"d_gxsj":"2024/08/01"`, `field d_gxsj`},
	}
	for _, tt := range tianyuan {
		plain := `{"total":1,"page_num":1,"page_size":50,"list":[` + strings.Replace(validTianyuanRecord, tt.from, tt.to, 1) + `]}`
		_, err := decodeTianyuan(testAESKey, 200, sealedBody(t, plain))
		var ue *Error
		require.True(t, errors.As(err, &ue), "%s → %v", tt.to, err)
		require.Equal(t, KindBadResponse, ue.Kind)
		require.Contains(t, err.Error(), tt.want)
	}
}

// TestDecodeEnvelopes: the envelope's own failures.
func TestDecodeEnvelopes(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
		kind   Kind
		want   string
	}{
		{200, `{"code":0,"message":"ok"}`, KindBadResponse, "code 0 without data"},
		{200, `{"message":"ok","data":{}}`, KindBadResponse, "no code"},
		{200, `{"code":0,"data":{"cases":[]}}`, KindBadResponse, "data.total missing"},
		{200, `<html>`, KindBadResponse, "not the JSON envelope"},
		{200, `{"code":5001,"message":"系统繁忙","requestId":"r9"}`, KindBusy, "code 5001 (系统繁忙), http 200, request r9"},
		{503, `<html>503</html>`, KindBusy, "http 503"},
		{401, ``, KindAuth, "http 401"},
		{403, `{"code":4003,"message":"权限不足"}`, KindPermission, "code 4003"},
		{400, `{"code":4000,"message":"参数错误"}`, KindBadResponse, "code 4000"},
	} {
		_, err := decodeSigned(tt.status, []byte(tt.body))
		var ue *Error
		require.True(t, errors.As(err, &ue), tt.body)
		require.Equal(t, tt.kind, ue.Kind, tt.body)
		require.Contains(t, err.Error(), tt.want)
	}
	_, err := decodeTianyuan(testAESKey, 200, []byte(`{"code":0,"data":"AAAA"}`))
	require.ErrorContains(t, err, "not IV plus whole AES blocks")
	_, err = decodeTianyuan([]byte("fedcba9876543210"), 200, sealedBody(t, `{"total":0,"list":[]}`))
	require.Error(t, err)
}
