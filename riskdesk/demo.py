"""The demo data of DOMAIN.md: the city's ten districts and one sign-in per role."""

DISTRICTS = [
    ("kundulun", "Kundulun District", "昆都仑区"),
    ("qingshan", "Qingshan District", "青山区"),
    ("donghe", "Donghe District", "东河区"),
    ("jiuyuan", "Jiuyuan District", "九原区"),
    ("shiguai", "Shiguai District", "石拐区"),
    ("bayan-obo", "Bayan Obo Mining District", "白云鄂博矿区"),
    ("tumed-right", "Tumed Right Banner", "土默特右旗"),
    ("guyang", "Guyang County", "固阳县"),
    ("darhan-muminggan", "Darhan Muminggan United Banner", "达尔罕茂明安联合旗"),
    ("rare-earth", "Rare Earth Hi-Tech Zone", "稀土高新区"),
]

# Printed by `make run`; never used when DEBUG is false unless seed_demo is forced.
DEMO_PASSWORD = "riskdesk-demo-2026"  # noqa: S105

# username, role, district codes, whole city, full name
USERS = [
    ("admin", "admin", [], False, "系统管理员 System Admin"),
    ("city.supervisor", "supervisor", [], True, "王督查 Wang (city supervisor)"),
    ("donghe.supervisor", "supervisor", ["donghe"], False, "赵主任 Zhao (Donghe supervisor)"),
    ("kundulun.staff", "staff", ["kundulun"], False, "李伟 Li Wei (Kundulun staff)"),
    ("qingshan.staff", "staff", ["qingshan"], False, "张敏 Zhang Min (Qingshan staff)"),
    ("donghe.staff", "staff", ["donghe"], False, "刘洋 Liu Yang (Donghe staff)"),
]
