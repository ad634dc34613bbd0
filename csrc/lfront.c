/* lfront.c: placeholder until the front binding lands */
#include "lrostra.h"

void rsl_open_front(lua_State *L) { (void)L; }
