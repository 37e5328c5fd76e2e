"""The categories migration 0002 ships (the code reads them from here; the migration keeps its copy)."""

# name, Open311 service code, sign for within (hours), urgent (hours), resolve within (working days)
SHIPPED = [
    ("食品安全", "food_safety", 24, 2, 10),
    ("市容环境", "city_appearance", 24, 2, 15),
    ("交通出行", "transport", 24, 2, 15),
    ("住房保障", "housing", 24, 2, 15),
    ("社会保障", "social_security", 24, 2, 15),
    ("教育", "education", 24, 2, 15),
    ("医疗卫生", "health", 24, 2, 10),
    ("生态环境", "environment", 24, 2, 15),
    ("供水供电", "utilities", 24, 2, 5),
    ("其他", "other", 24, 2, 15),
]
