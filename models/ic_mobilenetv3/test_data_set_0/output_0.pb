
BoutputJ( á«;¤yH>ùŒR>Zú=y…;H!ž<Þr=dÄ>.´©;vÐ: