# Indonesian formats as official letters print them: 25 November 2026, 85,50, 1.234.567.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i"  # regions.formatting.date_time adds the zone: 14.05 WIB
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
TIME_FORMAT = "H.i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
