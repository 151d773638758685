# The genitive month and no "г.": "4 декабря 2021" (Django's own adds "г.").
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
