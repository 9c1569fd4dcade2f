#include "data/corpus/html_text.h"

#include <gtest/gtest.h>

namespace prolong::data {
namespace {

TEST(HtmlText, DropsScriptsStylesCommentsAndTags) {
  const std::string html =
      "<!DOCTYPE html><html><head><title>Page  One</title>"
      "<style>p { color: red }</style><SCRIPT>var x = '<p>';</script>"
      "</head><body><!-- a <p> comment --><h1>Heading</h1>"
      "<p>Some <b>bold</b>\n   and <a href=\"x\">linked</a> text.</p>"
      "<ul><li>one</li><li>two</li></ul>line<br>break</body></html>";
  EXPECT_EQ(HtmlToText(html),
            "Page One\n\nHeading\n\nSome bold and linked text.\n\n"
            "one\n\ntwo\n\nline\nbreak");
}

TEST(HtmlText, KeepsPreformattedTextAndDecodesReferences) {
  EXPECT_EQ(HtmlToText("<pre>a  b\n  c &lt;d&gt;</pre><p>x&nbsp;&amp;&#233;"
                       "&#xE9;&mdash;&unknown; 1 < 2</p>"),
            "a  b\n  c <d>\n\nx &\xc3\xa9\xc3\xa9\xe2\x80\x94&unknown; 1 < 2");
}

TEST(HtmlText, SurvivesMalformedInput) {
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("text <b unclosed"), "text");
  EXPECT_EQ(HtmlToText("a <!-- never closed"), "a");
  EXPECT_EQ(HtmlToText("<script>never closed"), "");
  EXPECT_EQ(HtmlToText("a &#0; &#xD800; &#99999999;"),
            "a \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
}

TEST(HtmlText, CharacterReferences) {
  EXPECT_EQ(DecodeCharacterReference("amp"), "&");
  EXPECT_EQ(DecodeCharacterReference("#65"), "A");
  EXPECT_EQ(DecodeCharacterReference("#x41"), "A");
  EXPECT_EQ(DecodeCharacterReference("#x"), "");
  EXPECT_EQ(DecodeCharacterReference("#12a"), "");
  EXPECT_EQ(DecodeCharacterReference("nosuch"), "");
}

}  // namespace
}  // namespace prolong::data
