
BoutputJ(ýÎ—>3Üj>­c<Iò<×æp<mL<6iQ<ë%š<â°F=ð“§>