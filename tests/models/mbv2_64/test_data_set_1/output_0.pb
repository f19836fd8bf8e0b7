
BoutputJ(ZíC? õj¿=åÉÀÛÊLÀRsR@Ô™ ¾™aÀqq@•±¿tLb½