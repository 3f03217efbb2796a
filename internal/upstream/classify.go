package upstream

import (
	"net/http"
)

// signedKind maps the signed protocol's business codes to kinds (ARCHITECTURE.md “The vendor”).
func signedKind(code int) (Kind, bool) {
	switch code {
	case 4001: // 签名验证失败 / timestamp outside ±300 s
		return KindAuth, true
	case 4003: // 权限不足
		return KindPermission, true
	case 5001: // 系统繁忙 (also the answer past the QPS quota)
		return KindBusy, true
	case 6002: // 企业信息不存在
		return KindNotFound, true
	}
	return KindBadResponse, false
}

// tianyuanKind maps the tianyuan protocol's business codes to kinds. 1000
// (查询为空, "nothing found") is the vendor's answer for an unknown company;
// 2001 (业务失败) is a failure of the vendor's data source and is treated
// like 1001 (接口异常) as transient.
func tianyuanKind(code int) (Kind, bool) {
	switch code {
	case 1000: // 查询为空
		return KindNotFound, true
	case 1001, 2001: // 接口异常, 业务失败
		return KindBusy, true
	case 1002, 1005, 1006: // 参数解密失败 (wrong Access Key), 缺少 Access-Id, AccessId 未授权
		return KindAuth, true
	case 1003: // 参数校验不正确: our request is malformed
		return KindBadResponse, true
	case 1004, 1008: // IP 未授权, 未开通此产品
		return KindPermission, true
	case 1007: // 余额不足
		return KindQuota, true
	}
	return KindBadResponse, false
}

// codeTable is signedKind or tianyuanKind. Unknown codes are bad responses
// (the vendor changed its protocol under us).
type codeTable func(code int) (Kind, bool)

// statusKind classifies a non-200 HTTP status when the body did not carry a
// known business code. 429 and every 5xx are busy (gateways answer 500 under
// load as often as 502/503/504, and the retry budget bounds the cost of
// being wrong); 401 is auth, 403 permission; anything else (404 from a
// wrong base URL, 413, …) is a bad response.
func statusKind(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		return KindBusy
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusForbidden:
		return KindPermission
	default:
		return KindBadResponse
	}
}

// envelopeError builds the error for a response whose HTTP status is not
// 200 or whose business code is not 0. code is 0 when the body had none.
func envelopeError(table codeTable, status, code int, message, requestID string) *Error {
	e := &Error{Code: code, HTTPStatus: status, Message: message, RequestID: requestID}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		e.Kind = KindBusy
	case code != 0:
		kind, known := table(code)
		if !known && status != http.StatusOK {
			kind = statusKind(status)
		}
		e.Kind = kind
	default:
		e.Kind = statusKind(status)
	}
	if e.Message == "" && code == 0 && status != http.StatusOK {
		e.Message = http.StatusText(status)
	}
	return e
}
