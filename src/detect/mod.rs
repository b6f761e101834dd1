//! Invoice detection in sent mail: regexes and Factur-X.
