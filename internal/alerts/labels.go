package alerts

// Chinese names of the values events and digests show, as the sync and the
// vendor spell them; an unknown value is shown as it is.

// EventLabel names a case-event kind.
func EventLabel(kind string) string {
	return label(kind, map[string]string{
		"baseline": "基线", "filed": "新立案", "decided": "裁决", "result_changed": "结果变更",
		"execution_changed": "执行情况变更", "amounts_changed": "金额变更", "removed": "移除", "restored": "重新出现",
	})
}

// ResultLabel names a case result, seen from the watched company.
func ResultLabel(result string) string {
	return label(result, map[string]string{
		"win": "企业胜诉", "lose": "企业败诉", "partial": "部分支持", "settled": "调解/和解",
		"withdrawn": "撤回", "pending": "审理中",
	})
}

// ExecutionLabel names an award's execution status.
func ExecutionLabel(status string) string {
	return label(status, map[string]string{
		"executed": "已执行", "partially_executed": "部分执行", "unexecuted": "未执行", "not_applicable": "不适用",
	})
}

// RoleLabel names the watched company's role in a case.
func RoleLabel(role string) string {
	return label(role, map[string]string{"respondent": "被申请人", "applicant": "申请人", "third_party": "第三人"})
}

func label(v string, names map[string]string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return v
}
