/** Three pulsing dots shown until the first token of an answer arrives. */
Component({})
