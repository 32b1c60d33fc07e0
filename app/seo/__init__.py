"""What the forum tells search engines and feed readers: head tags, structured data, robots.txt,
sitemaps and Atom feeds."""
