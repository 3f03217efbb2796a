package sim

import "math/rand/v2"

// Name parts. Read-only.
const (
	// brandChars make up 字号 (trade names) such as 恒达 or 华信.
	brandChars = "华信恒达盛鑫宏泰博瑞腾远安新锦嘉睿汇联创德诚和顺中天金众邦益星源凯润丰隆启明万通宇辰海"
	// surnames are common Chinese family names for anonymized workers (张某).
	surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

// pickRune returns a random character of s, a string of CJK ideographs
// (3 bytes each in UTF-8).
func pickRune(s string, r *rand.Rand) string {
	i := r.IntN(len(s) / 3)
	return s[3*i : 3*i+3]
}

// pick returns one of words at random.
func pick(r *rand.Rand, words ...string) string { return words[r.IntN(len(words))] }

// businessWord is the line of business in a company name, by division.
func businessWord(div *division, r *rand.Rand) string {
	switch div.code {
	case "51":
		return pick(r, "商贸", "贸易", "进出口", "供应链")
	case "52":
		return pick(r, "商业连锁", "超市", "百货", "便利店")
	case "54", "55", "56", "58":
		return pick(r, "物流", "运输", "货运代理", "快运")
	case "59":
		return pick(r, "仓储", "物流", "装卸服务")
	case "60":
		return pick(r, "快递", "速递")
	case "61":
		return pick(r, "酒店管理", "宾馆")
	case "62":
		return pick(r, "餐饮管理", "餐饮", "食品")
	case "63":
		return pick(r, "通信", "网络工程")
	case "64":
		return pick(r, "网络科技", "互联网科技", "信息科技")
	case "65":
		return pick(r, "科技", "信息技术", "软件", "数据科技")
	case "70":
		return pick(r, "房地产开发", "物业管理", "置业")
	case "71":
		return pick(r, "租赁", "设备租赁")
	case "72":
		return pick(r, "人力资源", "企业管理咨询", "劳务派遣", "商务服务", "保安服务")
	case "47", "48":
		return pick(r, "建设工程", "建筑工程", "市政工程", "路桥工程")
	case "49":
		return pick(r, "机电安装工程", "建筑安装")
	case "50":
		return pick(r, "装饰工程", "建筑装饰", "幕墙工程")
	case "80", "81", "82":
		return pick(r, "家政服务", "保洁服务", "汽车维修", "美容美发")
	case "83":
		return pick(r, "教育咨询", "培训")
	case "84", "85":
		return pick(r, "医疗管理", "健康管理", "养老服务")
	}
	switch div.section {
	case 'A':
		return pick(r, "农业发展", "生态农业", "养殖")
	case 'B':
		return pick(r, "矿业", "能源")
	case 'C':
		return pick(r, "机械制造", "电子", "精密机械", "纺织", "食品", "塑胶制品", "五金制品", "新材料", "服饰", "家具", "汽车零部件", "电气")
	case 'D':
		return pick(r, "能源", "电力", "燃气", "水务")
	case 'J':
		return pick(r, "投资管理", "融资租赁", "保险代理", "资产管理")
	case 'M':
		return pick(r, "技术服务", "检测", "工程设计", "生物科技")
	case 'N':
		return pick(r, "环保科技", "园林绿化", "环境工程")
	case 'R':
		return pick(r, "文化传媒", "影视", "体育发展", "娱乐")
	case 'S', 'T':
		return pick(r, "服务中心", "发展中心")
	}
	return "实业"
}

// companyName builds a plausible registered name such as
// 北京恒达科技有限公司; large companies are more often joint-stock.
func companyName(city string, div *division, employees int, r *rand.Rand) string {
	brand := pickRune(brandChars, r) + pickRune(brandChars, r)
	word := businessWord(div, r)
	if div.section == 'S' || div.section == 'T' {
		return city + "市" + brand + word
	}
	suffix := "有限公司"
	switch x := r.Float64(); {
	case employees > 300 && x < 0.3, x < 0.04:
		suffix = "股份有限公司"
	case x < 0.1:
		suffix = "有限责任公司"
	}
	return city + brand + word + suffix
}

// workerName is an anonymized worker as published: 张某 or 张某某.
func workerName(r *rand.Rand) string {
	s := pickRune(surnames, r)
	if r.Float64() < 0.5 {
		return s + "某某"
	}
	return s + "某"
}

// agencyName is another company (a labor-dispatch agency) in cases where
// the watched company is only a third party.
func agencyName(city string, r *rand.Rand) string {
	return city + pickRune(brandChars, r) + pickRune(brandChars, r) + pick(r, "劳务派遣", "人力资源", "劳务服务") + "有限公司"
}
