/* lspeech.c: placeholder until the speech binding lands */
#include "lrostra.h"

void rsl_open_speech(lua_State *L) { (void)L; }
