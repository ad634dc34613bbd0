/*
** utf8.h: the UTF-8 decoder and the white-space test as inline functions,
** for the scanners' inner loops (tok.c, speech.c). rs_utf8_decode and
** rs_is_space in rostra.h are the same functions, out of line.
*/
#ifndef ROSTRA_UTF8_H
#define ROSTRA_UTF8_H

#include <stddef.h>
#include <stdint.h>

static inline int rs_u8_decode(const unsigned char *s, size_t n, int32_t *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    if (n >= 2 && (s[1] & 0xC0) == 0x80) {
      *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
      return 2;
    }
  } else if (c >= 0xE0 && c <= 0xEF) {
    if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
      int32_t v = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F));
      if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
        *cp = v;
        return 3;
      }
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    if (n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
      int32_t v = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
                            ((s[2] & 0x3F) << 6) | (s[3] & 0x3F));
      if (v >= 0x10000 && v <= 0x10FFFF) {
        *cp = v;
        return 4;
      }
    }
  }
  *cp = -1;
  return 1;
}

static inline int rs_u8_space(int32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000: case 0x200B: case 0x2060:
    case 0xFEFF: case 0x180E:
      return 1;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

#endif
