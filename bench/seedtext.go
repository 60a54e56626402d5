package bench

import "math/rand/v2"

// claimText is what seeded claims of one category say: purposes (用途) and line descriptions.
type claimText struct {
	purposes []string
	lines    []string
}

// claimTexts are keyed by the demo policy's category IDs; other categories use genericText.
var claimTexts = map[string]claimText{
	"travel": {
		purposes: []string{"北京客户拜访差旅", "上海展会差旅", "广州经销商回访", "深圳项目现场支持", "成都区域市场调研",
			"杭州合作伙伴洽谈", "南京客户培训出差", "武汉售后技术支持", "西安投标出差", "天津年度客户答谢"},
		lines: []string{"往返高铁票", "机票", "酒店住宿", "出租车费", "市内交通", "出差补助", "行李托运费", "机场大巴"},
	},
	"office": {
		purposes: []string{"研发部办公用品补充", "新员工入职办公用品", "会议室设备耗材", "打印耗材采购", "文具季度补充"},
		lines:    []string{"显示器支架", "白板笔与便签", "打印纸 A4 ×10 包", "硒鼓", "文件柜", "键盘鼠标套装", "笔记本", "收纳箱"},
	},
	"meals": {
		purposes: []string{"华东区经销商年度会议招待", "重点客户商务宴请", "合作伙伴来访接待", "项目验收答谢午餐", "行业协会交流晚宴"},
		lines:    []string{"晚宴", "午餐", "茶歇", "酒水", "包间服务费"},
	},
	"equipment": {
		purposes: []string{"研发测试服务器采购", "开发用笔记本电脑", "网络交换机更换", "测试手机采购", "实验室示波器"},
		lines:    []string{"服务器", "笔记本电脑", "交换机", "测试手机", "示波器", "固态硬盘", "显示器", "UPS 电源"},
	},
	"training": {
		purposes: []string{"Go 并发编程培训", "云原生架构培训", "项目管理认证培训", "信息安全意识培训", "技术大会门票"},
		lines:    []string{"培训报名费", "教材费", "考试认证费", "会议门票", "培训差旅"},
	},
}

var genericText = claimText{
	purposes: []string{"日常费用报销", "部门费用报销", "项目费用报销"},
	lines:    []string{"费用", "服务费", "杂费"},
}

var (
	returnReasons = []string{"请补充发票原件照片", "发票抬头有误，请更正后重新提交", "请补充出差审批单", "金额与发票不符，请核对",
		"请补充登机牌照片", "请说明招待人数与事由"}
	rejectReasons = []string{"不符合报销制度，不予报销", "超出报销标准", "重复报销", "发票不合规", "预算科目不符"}
	withdrawNotes = []string{"行程取消，撤回申请", "填写有误，撤回后重新提交", "已改由项目经费列支"}
	comments      = []string{"已核对发票", "请尽快处理", "招待标准符合规定", "已电话确认", "附件见邮件", "同意，注意控制费用"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func textOf(category string) claimText {
	if t, ok := claimTexts[category]; ok {
		return t
	}
	return genericText
}
