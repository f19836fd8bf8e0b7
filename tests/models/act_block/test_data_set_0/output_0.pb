
BoutputJ(ðf=[H›=æ
#>ƒNå=_D¯=M;ñ= o >*Uä=×@N=Ì™=