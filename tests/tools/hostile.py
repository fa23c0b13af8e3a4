#!/usr/bin/env python3
"""Writes one hostile document of about SIZE bytes (default 8,000,000).

usage: hostile.py KIND FILE [SIZE]

Kinds (feeds unless named html-*):
  entity        one internal entity of 1,000 bytes referenced ~SIZE/3 times
  entity-items  10,000 items, each referencing that entity 64 times
  smallel       one item holding SIZE/4 empty <b/> elements
  smallel-chan  SIZE/4 empty <b/> elements beside the items, in the channel
  attrs         one element with ~SIZE/12 attributes
  deep          elements nested SIZE/7 deep
  json-small    a JSON Feed whose item holds SIZE/3 empty arrays
  json-deep     a JSON Feed nested SIZE/2 deep
  attr-elems    one item of SIZE/16 elements of one attribute each
  html-attrs    an article page with one element of ~SIZE/12 attributes
  html-bare     the same with attributes that have no value
  html-smallel  an article page of SIZE/7 empty <b></b> elements
  html-deep     an article page of SIZE/5 unclosed <div>
  html-comments an article page of SIZE/7 empty comments
  html-manyattr an article page of elements of 100 bare attributes each
"""
import sys

RSS = '<?xml version="1.0"?>\n'
ENT = '<!DOCTYPE rss [<!ENTITY a "' + 'x' * 1000 + '">]>\n'
CHAN = '<rss version="2.0"><channel><title>t</title>\n'
END = '</channel></rss>\n'


def attrs(n, bare=False):
    return ''.join((' a%d' % i) if bare else (' a%d="1"' % i)
                   for i in range(n))


def doc(kind, size):
    if kind == 'entity':
        return (RSS + ENT + CHAN + '<item><title>a</title><description>' +
                '&a;' * (size // 3) + '</description></item>' + END)
    if kind == 'entity-items':
        its = ''.join('<item><guid>g%d</guid><title>a</title><description>'
                      'killed 100 %s</description></item>\n' % (i, '&a;' * 64)
                      for i in range(10000))
        return RSS + ENT + CHAN + its + END
    if kind == 'smallel':
        return (RSS + CHAN + '<item><title>a</title><description>' +
                '<b/>' * (size // 4) + '</description></item>' + END)
    if kind == 'smallel-chan':
        return RSS + CHAN + '<b/>' * (size // 4) + END
    if kind == 'attr-elems':
        return (RSS + CHAN + '<item><title>a</title><description>' +
                '<b a="123456"/>' * (size // 16) + '</description></item>' +
                END)
    if kind == 'attrs':
        return (RSS + CHAN + '<item><title' + attrs(size // 12) +
                '>x</title></item>' + END)
    if kind == 'deep':
        n = size // 7
        return (RSS + CHAN + '<item><description>' + '<d>' * n + '</d>' * n +
                '</description></item>' + END)
    if kind == 'json-small':
        return ('{"version":"https://jsonfeed.org/version/1.1","title":"t",'
                '"items":[{"id":"1","content_text":"x","x":[' +
                '[],' * (size // 3) + '[]]}]}')
    if kind == 'json-deep':
        n = size // 2
        return ('{"version":"https://jsonfeed.org/version/1.1","title":"t",'
                '"items":[{"id":"1","x":' + '[' * n + ']' * n + '}]}')
    if kind == 'html-attrs':
        return '<html><body><p' + attrs(size // 12) + '>x</p></body></html>\n'
    if kind == 'html-bare':
        return ('<html><body><p' + attrs(size // 8, True) +
                '>x</p></body></html>\n')
    if kind == 'html-smallel':
        return '<html><body><p>' + '<b></b>' * (size // 7) + '</p></body></html>\n'
    if kind == 'html-deep':
        return '<html><body>' + '<div>' * (size // 5) + '</body></html>\n'
    if kind == 'html-comments':
        return '<html><body>' + '<!---->' * (size // 7) + '</body></html>\n'
    if kind == 'html-manyattr':
        el = '<b' + ''.join(' %s' % chr(97 + i % 26) for i in range(100)) + '>'
        return ('<html><body><p>' + el * (size // len(el)) +
                '</p></body></html>\n')
    sys.exit('hostile.py: unknown kind ' + kind)


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    size = int(sys.argv[3]) if len(sys.argv) == 4 else 8000000
    with open(sys.argv[2], 'w') as f:
        f.write(doc(sys.argv[1], size))
